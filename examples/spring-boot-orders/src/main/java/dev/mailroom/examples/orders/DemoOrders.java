package dev.mailroom.examples.orders;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * At start: places a few orders (one refused, so rolled back with its event), waits until every
 * placed order was notified through Kafka and the inbox, and prints what happened.
 */
@Component
public class DemoOrders implements ApplicationRunner {

    private final OrderService orders;
    private final NotificationHandler notifications;
    private final JdbcTemplate jdbc;
    private final int count;
    private volatile List<String> placed = List.of();

    public DemoOrders(OrderService orders, NotificationHandler notifications, JdbcTemplate jdbc,
                      @Value("${example.demo-orders:4}") int count) {
        this.orders = orders;
        this.notifications = notifications;
        this.jdbc = jdbc;
        this.count = count;
    }

    @Override
    public void run(ApplicationArguments args) throws InterruptedException {
        if (count == 0) {
            return;
        }
        List<String> placed = new ArrayList<>();
        String[] customers = {"ada", "grace", "linus", "barbara"};
        for (int i = 0; i < count; i++) {
            placed.add(orders.place(customers[i % customers.length], new BigDecimal(10 + i + ".50")));
        }
        try {
            orders.place("mallory", new BigDecimal("-1.00"));
        } catch (IllegalArgumentException refused) {
            System.out.println("Refused and rolled back (no event): " + refused.getMessage());
        }
        notifications.awaitCommitted(placed.size(), Duration.ofSeconds(60));
        this.placed = List.copyOf(placed);
        System.out.println("Placed " + placed.size() + " orders, notified " + notified(placed)
                + " through Kafka and the inbox; orders stored for the refused one: "
                + jdbc.queryForObject("SELECT count(*) FROM orders WHERE customer = 'mallory'", Long.class));
        System.out.println("Try: curl -X POST 'localhost:8080/orders?customer=you&total=9.99'; curl localhost:8080/notifications;"
                + " curl localhost:8080/actuator/health; curl localhost:8080/actuator/mailroom");
    }

    /** The orders the demo placed at start. */
    List<String> placed() {
        return placed;
    }

    long notified(List<String> placed) {
        Long count = jdbc.queryForObject("SELECT count(*) FROM notifications WHERE order_id IN ("
                + String.join(",", placed.stream().map(id -> "'" + id + "'").toList()) + ")", Long.class);
        return count == null ? 0 : count;
    }
}
