package dev.mailroom.demo;

import dev.mailroom.consumer.ConsumerRunner;
import dev.mailroom.consumer.EventMetadata;
import dev.mailroom.routing.RouteRegistry;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The demo's notification service: consumes {@code order.placed} through its inbox and records one
 * notification per order, in the same transaction that marks the event handled.
 */
final class NotificationService {

    /** The payload of {@code order.placed}. */
    public record OrderPlaced(String orderId, String customer, BigDecimal total) {
    }

    private final DataSource dataSource;

    NotificationService(DataSource dataSource) throws SQLException {
        this.dataSource = dataSource;
        try (Connection connection = dataSource.getConnection()) {
            connection.createStatement().execute("CREATE TABLE IF NOT EXISTS notifications ("
                    + "order_id text NOT NULL, customer text NOT NULL, message text NOT NULL)");
        }
    }

    ConsumerRunner consumer(RouteRegistry routes, String bootstrapServers) {
        ConsumerRunner runner = ConsumerRunner.builder(dataSource, routes, bootstrapServers)
                .group("notifications")
                .sharedOutbox(true)
                .handler("order.placed", OrderPlaced.class, Set.of(1), order -> {
                    if (order.total() == null || order.total().signum() < 0) {
                        throw new IllegalArgumentException("an order needs a non-negative total");
                    }
                }, this::notifyCustomer)
                .build();
        runner.migrate();
        return runner;
    }

    private void notifyCustomer(OrderPlaced order, EventMetadata metadata, Connection transaction) throws SQLException {
        try (PreparedStatement insert = transaction.prepareStatement(
                "INSERT INTO notifications (order_id, customer, message) VALUES (?, ?, ?)")) {
            insert.setString(1, order.orderId());
            insert.setString(2, order.customer());
            insert.setString(3, "Thanks " + order.customer() + ", your order " + order.orderId() + " of "
                    + order.total() + " is on its way (event " + metadata.eventId() + ")");
            insert.executeUpdate();
        }
    }

    long count(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             ResultSet rs = connection.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    String firstMessage() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             ResultSet rs = connection.createStatement().executeQuery(
                     "SELECT message FROM notifications ORDER BY order_id LIMIT 1")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
