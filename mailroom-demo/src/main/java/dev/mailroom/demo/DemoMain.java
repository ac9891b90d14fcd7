package dev.mailroom.demo;

import dev.mailroom.consumer.ConsumerRunner;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.publish.OutboxPublisher;
import dev.mailroom.jdbc.schema.SchemaMigrator;
import dev.mailroom.kafka.KafkaTransport;
import dev.mailroom.relay.Relay;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.testkit.kafka.KafkaBroker;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Mailroom end to end: an in-process Kafka broker, the order service publishing {@code order.placed}
 * inside each order's transaction (one rolled back), the relay delivering, and a plain Kafka
 * consumer printing what arrived. Ends with a summary.
 */
public final class DemoMain {

    static final String TOPIC = "orders.events";
    static final RouteRegistry ROUTES = RouteRegistry.builder()
            .service("orders", s -> s.table("orders_outbox").topic(TOPIC).consumerGroup("notifications")
                    .event("order.placed"))
            .build();

    private DemoMain() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("logback.configurationFile", "logback-demo.xml");
        DemoSettings settings = DemoSettings.fromEnvironment(System.getenv());
        System.out.println("== Starting an in-process Kafka broker");
        try (KafkaBroker broker = KafkaBroker.start();
             DemoDatabase database = DemoDatabase.open(settings)) {
            broker.createTopic(TOPIC, 3);
            System.out.println("   Kafka at " + broker.bootstrapServers() + ", " + database.description());
            new SchemaMigrator(database.dataSource(), SqlDialect.detect(database.dataSource())).migrate(ROUTES);
            OrderService orders = new OrderService(database.dataSource(),
                    OutboxPublisher.builder(ROUTES).boundTo("orders").build());
            orders.createTable();

            NotificationService notifications = new NotificationService(database.dataSource());
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            try (KafkaTransport transport = KafkaTransport.builder(broker.bootstrapServers()).build();
                 Relay relay = Relay.builder(database.dataSource(), ROUTES, transport).service("orders")
                         .meterRegistry(meters).build().start();
                 TopicReader reader = new TopicReader(broker.bootstrapServers(), TOPIC, 3).start();
                 ConsumerRunner notifier = notifications.consumer(ROUTES, broker.bootstrapServers()).start()) {
                reader.awaitAssignment(Duration.ofSeconds(30));
                WarmUp.run(settings.warmUpSeconds() * settings.ratePerSecond(), settings.ratePerSecond(), orders,
                        reader, notifications, database.dataSource());
                meters.clear(); // the relay's timers start again with their next recording
                int committed = run(settings, orders, reader);
                awaitNotifications(notifications, committed);
            }
            Timer ack = meters.get("mailroom.relay.ack.latency").timer();
            ValueAtPercentile[] percentiles = ack.takeSnapshot().percentileValues();
            System.out.printf("   insert -> Kafka ack   : p50 %.1f ms, p99 %.1f ms (relay's timer, %d events)%n",
                    percentiles[0].value(TimeUnit.MILLISECONDS), percentiles[1].value(TimeUnit.MILLISECONDS), ack.count());
        }
    }

    private static void awaitNotifications(NotificationService notifications, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (notifications.count("SELECT count(*) FROM notifications") < expected && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        long sent = notifications.count("SELECT count(*) FROM notifications");
        long consumed = notifications.count("SELECT count(*) FROM orders_outbox WHERE status = 'consumed'");
        System.out.printf("   notifications sent    : %d (through the inbox; outbox rows now consumed: %d)%n", sent,
                consumed);
        System.out.println("   first notification    : " + notifications.firstMessage());
        if (sent != expected) {
            throw new IllegalStateException("The notification service handled " + sent + " of " + expected + " events");
        }
    }

    private static int run(DemoSettings settings, OrderService orders, TopicReader reader) throws Exception {
        System.out.println("== Placing orders; each order row and its event commit together");
        Map<UUID, Long> committedAt = new LinkedHashMap<>();
        String[][] named = {{"order-1001", "ada", "42.50"}, {"order-1002", "grace", "17.00"}, {"order-1003", "linus", "99.99"}};
        for (String[] order : named) {
            UUID id = orders.placeOrder(order[0], order[1], order[2], false);
            committedAt.put(id, System.nanoTime());
            System.out.printf("   committed   %s -> event %s%n", order[0], id);
        }
        UUID rolledBack = orders.placeOrder("order-0000", "mallory", "1.00", true);
        System.out.printf("   rolled back order-0000 -> event %s (must never arrive)%n", rolledBack);

        System.out.printf("== Placing %d more orders, one transaction each, at %d/s%n", settings.orders(),
                settings.ratePerSecond());
        Checkout.Placed placed = Checkout.place(settings.orders(), settings.ratePerSecond(),
                i -> orders.placeOrder("order-" + (2000 + i), "customer-" + (i % 50), (10 + i % 90) + ".00", false));
        committedAt.putAll(placed.committedAt());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!reader.arrivals().keySet().containsAll(ids(committedAt)) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        LockSupport.parkNanos(Duration.ofMillis(300).toNanos());
        summarize(committedAt, rolledBack, reader, placed);
        return committedAt.size();
    }

    private static List<String> ids(Map<UUID, Long> committedAt) {
        return committedAt.keySet().stream().map(UUID::toString).toList();
    }

    private static void summarize(Map<UUID, Long> committedAt, UUID rolledBack, TopicReader reader,
                                  Checkout.Placed placed) {
        List<Long> latenciesMicros = new ArrayList<>();
        for (Map.Entry<UUID, Long> entry : committedAt.entrySet()) {
            Long arrival = reader.arrivals().get(entry.getKey().toString());
            if (arrival != null) {
                latenciesMicros.add((arrival - entry.getValue()) / 1000);
            }
        }
        Collections.sort(latenciesMicros);
        int delivered = latenciesMicros.size();
        System.out.println();
        System.out.println("== Summary");
        System.out.printf("   published (committed) : %d%n", committedAt.size());
        System.out.printf("   delivered to Kafka    : %d distinct events (%d records read)%n", delivered,
                reader.recordsRead());
        System.out.printf("   rolled-back event seen: %s%n", reader.arrivals().containsKey(rolledBack.toString()));
        if (delivered > 0) {
            System.out.printf("   commit -> consumer    : p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    percentile(latenciesMicros, 0.50) / 1000.0, percentile(latenciesMicros, 0.99) / 1000.0,
                    latenciesMicros.get(delivered - 1) / 1000.0);
            // the orders' own commits, not the arrivals: the last arrival adds its latency to the span
            System.out.printf("   offered rate          : %.0f events/s over %.2f s%n", placed.ratePerSecond(),
                    (placed.lastCommit() - placed.start()) / 1e9);
        }
        boolean ok = delivered == committedAt.size() && !reader.arrivals().containsKey(rolledBack.toString());
        System.out.println(ok ? "   OK: every committed event arrived, the rolled-back one did not"
                : "   NOT OK: see the counts above");
        if (!ok) {
            throw new IllegalStateException("The demo lost or leaked events; see the summary");
        }
    }

    private static long percentile(List<Long> sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
