package dev.mailroom.spring.it;

import dev.mailroom.consumer.EventMetadata;
import dev.mailroom.spring.MailroomHandler;
import dev.mailroom.spring.TransactionalOutboxPublisher;
import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** A service on plain JDBC (DataSourceTransactionManager) writing with JdbcTemplate and jOOQ. */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = {
        "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
        "org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration"})
@Import({JdbcOrdersApplication.Orders.class, JdbcOrdersApplication.Notifications.class})
class JdbcOrdersApplication {

    @Service
    static class Orders {

        private final JdbcTemplate jdbc;
        private final DSLContext jooq;
        private final TransactionalOutboxPublisher publisher;

        Orders(JdbcTemplate jdbc, DSLContext jooq, TransactionalOutboxPublisher publisher) {
            this.jdbc = jdbc;
            this.jooq = jooq;
            this.publisher = publisher;
        }

        @Transactional
        public void place(String orderId, BigDecimal total, boolean failAfterPublishing) {
            jdbc.update("INSERT INTO orders (order_id, total) VALUES (?, ?)", orderId, total);
            publisher.publish("order.placed", orderId, new OrderPlaced(orderId, total));
            if (failAfterPublishing) {
                throw new IllegalStateException("payment declined for " + orderId);
            }
        }

        @Transactional
        public void placeWithJooq(String orderId, BigDecimal total, boolean failAfterPublishing) {
            jooq.insertInto(DSL.table("orders"), DSL.field("order_id"), DSL.field("total"))
                    .values(orderId, total).execute();
            publisher.publish("order.placed", orderId, new OrderPlaced(orderId, total));
            if (failAfterPublishing) {
                throw new IllegalStateException("payment declined for " + orderId);
            }
        }

        /** No transaction: the publish must be refused. */
        public void placeWithoutTransaction(String orderId) {
            publisher.publish("order.placed", orderId, new OrderPlaced(orderId, BigDecimal.ONE));
        }
    }

    @Service
    static class Notifications {

        final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        private final JdbcTemplate jdbc;

        Notifications(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        @MailroomHandler("order.placed")
        void on(OrderPlaced order, EventMetadata metadata) {
            calls.computeIfAbsent(order.orderId(), id -> new AtomicInteger()).incrementAndGet();
            jdbc.update("INSERT INTO notifications (event_id, order_id) VALUES (?, ?)", metadata.eventId(),
                    order.orderId());
            AtomicInteger left = failuresLeft.get(order.orderId());
            if (left != null && left.getAndDecrement() > 0) {
                throw new IllegalStateException("mail server busy for " + order.orderId());
            }
        }
    }
}
