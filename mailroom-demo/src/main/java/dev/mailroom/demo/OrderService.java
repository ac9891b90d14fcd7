package dev.mailroom.demo;

import dev.mailroom.event.OutboxEvent;
import dev.mailroom.jdbc.publish.OutboxPublisher;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;

/** The demo's order service: each order row and its {@code order.placed} event commit together. */
final class OrderService {

    private final DataSource dataSource;
    private final OutboxPublisher publisher;

    OrderService(DataSource dataSource, OutboxPublisher publisher) {
        this.dataSource = dataSource;
        this.publisher = publisher;
    }

    void createTable() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.createStatement().execute(
                    "CREATE TABLE IF NOT EXISTS orders (id VARCHAR(64) PRIMARY KEY, customer VARCHAR(200) NOT NULL,"
                    + " total DECIMAL(12, 2) NOT NULL)");
        }
    }

    /** Inserts the order and publishes its event in one transaction; rolls both back when asked to. */
    UUID placeOrder(String orderId, String customer, String total, boolean rollBack) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO orders (id, customer, total) VALUES (?, ?, CAST(? AS DECIMAL(12, 2)))")) {
                insert.setString(1, orderId);
                insert.setString(2, customer);
                insert.setString(3, total);
                insert.executeUpdate();
            }
            UUID eventId = publisher.publish(connection, OutboxEvent.builder("order.placed")
                    .key(orderId)
                    .json("{\"orderId\":\"" + orderId + "\",\"customer\":\"" + customer + "\",\"total\":" + total + "}")
                    .tenantId("demo-shop")
                    .header("origin", "mailroom-demo")
                    .build());
            if (rollBack) {
                connection.rollback();
            } else {
                connection.commit();
            }
            return eventId;
        }
    }
}
