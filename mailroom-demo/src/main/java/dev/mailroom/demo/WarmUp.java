package dev.mailroom.demo;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * Sends orders through the whole path (order service, relay, Kafka, the reader and the
 * notification service) before anything is measured, then removes every trace the summary counts.
 *
 * <p>A fresh JVM runs the in-process broker, the Kafka clients, the JDBC driver and Mailroom
 * interpreted at first and compiles them as they get hot. Measured in its first seconds, the demo
 * timed that: its JVM spent about 8 ms of CPU per order, a third of it in the JIT compiler threads,
 * which is more than two cores have at 250 orders/s besides PostgreSQL. Commit to consumer took
 * 45-75 ms at the median and 170-330 ms at p99 on a quiet machine, and the same orders after 2,500
 * unmeasured ones about a quarter of that. The benchmark measures after a warm-up at the measured
 * rate too (10 s by default), which is what this does by default.
 */
final class WarmUp {

    static final String ORDER_PREFIX = "warm-up-";

    private WarmUp() {
    }

    static void run(int orders, int ratePerSecond, OrderService service, TopicReader reader,
                    NotificationService notifications, DataSource dataSource) throws Exception {
        if (orders <= 0) {
            return;
        }
        reader.mute();
        Checkout.Placed placed = Checkout.place(orders, ratePerSecond,
                i -> service.placeOrder(ORDER_PREFIX + i, "warm-up", "1.00", false));
        List<String> ids = placed.committedAt().keySet().stream().map(UUID::toString).toList();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!(reader.arrivals().keySet().containsAll(ids)
                && notifications.count("SELECT count(*) FROM notifications") >= orders)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The warm-up's " + orders + " orders did not get through in 60 s");
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        reader.forget();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("DELETE FROM notifications");
            statement.executeUpdate("DELETE FROM orders_outbox WHERE event_key LIKE '" + ORDER_PREFIX + "%'");
            statement.executeUpdate("DELETE FROM orders WHERE id LIKE '" + ORDER_PREFIX + "%'");
        } catch (SQLException e) {
            throw new SQLException("Could not remove the warm-up's orders", e);
        }
    }
}
