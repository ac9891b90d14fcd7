package dev.mailroom.examples.orders;

import dev.mailroom.spring.TransactionalOutboxPublisher;
import java.math.BigDecimal;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Places orders: the order row and its {@code order.placed} event commit together, or not at all. */
@Service
public class OrderService {

    private final JdbcTemplate jdbc;
    private final TransactionalOutboxPublisher outbox;

    public OrderService(JdbcTemplate jdbc, TransactionalOutboxPublisher outbox) {
        this.jdbc = jdbc;
        this.outbox = outbox;
    }

    @Transactional
    public String place(String customer, BigDecimal total) {
        String orderId = "order-" + UUID.randomUUID().toString().substring(0, 8);
        jdbc.update("INSERT INTO orders (order_id, customer, total) VALUES (?, ?, ?)", orderId, customer, total);
        outbox.publish("order.placed", orderId, new OrderPlaced(orderId, customer, total));
        if (total.signum() <= 0) {
            // the order row and the event roll back together: nothing is ever delivered for it
            throw new IllegalArgumentException("total must be positive, was " + total);
        }
        return orderId;
    }
}
