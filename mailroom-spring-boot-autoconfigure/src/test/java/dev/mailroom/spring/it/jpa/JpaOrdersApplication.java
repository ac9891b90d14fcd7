package dev.mailroom.spring.it.jpa;

import dev.mailroom.consumer.EventMetadata;
import dev.mailroom.spring.MailroomEventHandler;
import dev.mailroom.spring.TransactionalOutboxPublisher;
import dev.mailroom.spring.it.OrderPlaced;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.sql.Connection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.persistence.autoconfigure.EntityScan;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** A service on JPA/Hibernate ({@code JpaTransactionManager}) whose handler is a {@code MailroomEventHandler} bean. */
@SpringBootConfiguration
@EnableAutoConfiguration
@EntityScan(basePackageClasses = JpaOrdersApplication.class)
@Import({JpaOrdersApplication.Orders.class, JpaOrdersApplication.NotificationHandler.class})
public class JpaOrdersApplication {

    @Entity
    @Table(name = "orders")
    public static class PlacedOrder {

        @Id
        private String orderId;
        private BigDecimal total;

        protected PlacedOrder() {
        }

        PlacedOrder(String orderId, BigDecimal total) {
            this.orderId = orderId;
            this.total = total;
        }
    }

    @Entity
    @Table(name = "notifications")
    public static class Notification {

        @Id
        private java.util.UUID eventId;
        private String orderId;

        protected Notification() {
        }

        Notification(java.util.UUID eventId, String orderId) {
            this.eventId = eventId;
            this.orderId = orderId;
        }
    }

    @Service
    public static class Orders {

        private final EntityManager entities;
        private final TransactionalOutboxPublisher publisher;

        Orders(EntityManager entities, TransactionalOutboxPublisher publisher) {
            this.entities = entities;
            this.publisher = publisher;
        }

        @Transactional
        public void place(String orderId, BigDecimal total, boolean failAfterPublishing) {
            entities.persist(new PlacedOrder(orderId, total));
            publisher.publish("order.placed", orderId, new OrderPlaced(orderId, total));
            if (failAfterPublishing) {
                throw new IllegalStateException("payment declined for " + orderId);
            }
        }
    }

    /** Persists a JPA entity in the transaction that records the event in the inbox. */
    @Service
    public static class NotificationHandler implements MailroomEventHandler<OrderPlaced> {

        public final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
        private final EntityManager entities;

        NotificationHandler(EntityManager entities) {
            this.entities = entities;
        }

        @Override
        public String eventType() {
            return "order.placed";
        }

        @Override
        public Class<OrderPlaced> payloadType() {
            return OrderPlaced.class;
        }

        @Override
        public void handle(OrderPlaced order, EventMetadata metadata, Connection transaction) {
            entities.persist(new Notification(metadata.eventId(), order.orderId()));
            entities.flush();
            AtomicInteger left = failuresLeft.get(order.orderId());
            if (left != null && left.getAndDecrement() > 0) {
                throw new IllegalStateException("mail server busy for " + order.orderId());
            }
        }
    }
}
