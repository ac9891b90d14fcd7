package dev.mailroom.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.event.OutboxEvent;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.publish.OutboxPublisher;
import dev.mailroom.jdbc.schema.SchemaMigrator;
import dev.mailroom.kafka.KafkaTransport;
import dev.mailroom.relay.Relay;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;
import dev.mailroom.testkit.kafka.KafkaBroker;
import dev.mailroom.testkit.kafka.WithKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The consumer runner and its inbox against the real PostgreSQL and the in-process Kafka broker. */
@WithPostgres
@WithKafka
class ConsumerRunnerTest {

    /** The payload handlers decode. */
    public record OrderPlaced(String orderId, String customer, BigDecimal total) {
    }

    private static final RetryPolicy FAST = RetryPolicy.builder().initialDelay(Duration.ofMillis(10))
            .maxDelay(Duration.ofMillis(50)).maxAttempts(4).build();

    private final TestDatabase database;
    private final KafkaBroker broker;
    private final Map<UUID, AtomicInteger> handled = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
    private String topic;
    private String group;
    private RouteRegistry routes;

    ConsumerRunnerTest(TestDatabase database, KafkaBroker broker) {
        this.database = database;
        this.broker = broker;
    }

    @BeforeEach
    void freshTopicAndGroup() throws SQLException {
        String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong());
        topic = "orders-" + suffix;
        group = "notifications-" + suffix;
        broker.createTopic(topic, 2);
        String groupName = group;
        String topicName = topic;
        routes = RouteRegistry.builder()
                .service("orders", s -> s.table("orders_outbox").topic(topicName).consumerGroup(groupName)
                        .event("order.placed"))
                .build();
        new SchemaMigrator(database.dataSource(), SqlDialect.postgresql()).migrate(routes);
        execute("CREATE TABLE IF NOT EXISTS notified (event_id uuid, order_id text)");
        execute("TRUNCATE notified");
    }

    @AfterEach
    void forgetCounts() {
        handled.clear();
        failuresLeft.clear();
    }

    private ConsumerRunner.Builder runner() {
        return ConsumerRunner.builder(database.dataSource(), routes, broker.bootstrapServers())
                .group(group).retryPolicy(FAST)
                .handler("order.placed", OrderPlaced.class, Set.of(1), order -> {
                    if (order.total().signum() < 0) {
                        throw new IllegalArgumentException("total must not be negative");
                    }
                }, (order, metadata, transaction) -> {
                    AtomicInteger left = failuresLeft.get(order.orderId());
                    if (left != null && left.getAndDecrement() > 0) {
                        throw new IllegalStateException("mail server busy");
                    }
                    try (PreparedStatement insert = transaction.prepareStatement("INSERT INTO notified VALUES (?, ?)")) {
                        insert.setObject(1, metadata.eventId());
                        insert.setString(2, order.orderId());
                        insert.executeUpdate();
                    }
                    handled.computeIfAbsent(metadata.eventId(), id -> new AtomicInteger()).incrementAndGet();
                });
    }

    private ConsumerRunner started(ConsumerRunner.Builder builder) {
        ConsumerRunner runner = builder.build();
        runner.migrate();
        return runner.start();
    }

    @Test
    void theSameEventDeliveredTwiceOrReadAgainAfterAnOffsetResetTakesEffectOnce() throws Exception {
        UUID id = UUID.randomUUID();
        send("order-1", id, "order.placed", "1", order("order-1", "12.50"));
        send("order-1", id, "order.placed", "1", order("order-1", "12.50"));
        try (ConsumerRunner runner = started(runner())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> inboxCount(runner, "status = 'consumed'") == 1);
            assertThat(inboxCount(runner, "true")).as("one inbox row for two records").isEqualTo(1);
        }
        resetOffsets();
        try (ConsumerRunner again = started(runner())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> committedOffset() == 2);
            assertThat(count("SELECT count(*) FROM notified WHERE event_id = '" + id + "'")).isEqualTo(1);
        }
        assertThat(handled.get(id)).hasValue(1);
    }

    @Test
    void aConsumerStoppedAfterTheWorkButBeforeTheOffsetCommitLosesNothingAndDoesNothingTwice() throws Exception {
        UUID id = UUID.randomUUID();
        send("order-2", id, "order.placed", "1", order("order-2", "30.00"));
        try (ConsumerRunner crashing = runner().build()) {
            crashing.migrate();
            crashing.beforeOffsetCommit(() -> {
                await().atMost(Duration.ofSeconds(30)).until(() -> handled.containsKey(id));
                throw new IllegalStateException("process killed before the offset commit");
            });
            crashing.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> handled.containsKey(id));
        }
        assertThat(committedOffset()).as("nothing committed").isEqualTo(-1);
        try (ConsumerRunner restarted = started(runner())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> committedOffset() == 1);
        }
        assertThat(handled.get(id)).hasValue(1);
        assertThat(count("SELECT count(*) FROM notified")).isEqualTo(1);
    }

    @Test
    void poisonIsDeadWithItsReasonAndLaterEventsOfTheSameKeyKeepFlowing() throws Exception {
        UUID wrongVersion = UUID.randomUUID();
        UUID badJson = UUID.randomUUID();
        UUID invalid = UUID.randomUUID();
        UUID fine = UUID.randomUUID();
        send("order-3", wrongVersion, "order.placed", "2", order("order-3", "1.00"));
        send("order-3", badJson, "order.placed", "1", "{not json");
        send("order-3", invalid, "order.placed", "1", order("order-3", "-5.00"));
        send("order-3", fine, "order.placed", "1", order("order-3", "5.00"));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (ConsumerRunner runner = started(runner().meterRegistry(meters))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> handled.containsKey(fine));
            await().atMost(Duration.ofSeconds(30)).until(() -> inboxCount(runner, "status = 'dead'") == 3);
            assertThat(lastError(runner, wrongVersion)).contains("version 2 is not supported");
            assertThat(lastError(runner, badJson)).contains("does not parse");
            assertThat(lastError(runner, invalid)).contains("total must not be negative");
            assertThat(inboxCount(runner, "status = 'dead' AND attempts = 0")).as("never retried").isEqualTo(3);
            assertThat(meters.get("mailroom.inbox.processed").tag("outcome", "dead").counter().count()).isEqualTo(3);
        }
    }

    @Test
    void aHandlerFailingTwiceSucceedsOnceAndOneFailingForeverIsDeadWithoutHoldingBackOtherKeys() throws Exception {
        failuresLeft.put("flaky", new AtomicInteger(2));
        failuresLeft.put("broken", new AtomicInteger(Integer.MAX_VALUE));
        UUID flaky = UUID.randomUUID();
        UUID broken = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        send("flaky", flaky, "order.placed", "1", order("flaky", "1.00"));
        send("broken", broken, "order.placed", "1", order("broken", "1.00"));
        send("other", other, "order.placed", "1", order("other", "1.00"));
        try (ConsumerRunner runner = started(runner())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> handled.containsKey(flaky) && handled.containsKey(other));
            await().atMost(Duration.ofSeconds(30)).until(() -> inboxCount(runner, "status = 'dead'") == 1);
            assertThat(inboxCount(runner, "event_id = '" + flaky + "' AND status = 'consumed' AND attempts = 2"))
                    .isEqualTo(1);
            assertThat(inboxCount(runner, "event_id = '" + broken + "' AND attempts = " + FAST.maxAttempts()
                    + " AND last_error LIKE '%mail server busy%'")).isEqualTo(1);
        }
        assertThat(handled.get(flaky)).hasValue(1);
        assertThat(handled).doesNotContainKey(broken);
    }

    @Test
    void whenTheConsumerSharesTheProducersDatabaseTheOutboxRowEndsConsumed() throws Exception {
        OutboxPublisher publisher = OutboxPublisher.builder(routes).build();
        UUID id;
        try (Connection connection = database.dataSource().getConnection()) {
            id = publisher.publish(connection, OutboxEvent.builder("order.placed").key("order-9")
                    .json(order("order-9", "9.99")).build());
        }
        try (KafkaTransport transport = KafkaTransport.builder(broker.bootstrapServers()).build();
             Relay relay = Relay.builder(database.dataSource(), routes, transport).service("orders").build().start();
             ConsumerRunner runner = started(runner().sharedOutbox(true))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> handled.containsKey(id));
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    count("SELECT count(*) FROM orders_outbox WHERE event_id = '" + id + "' AND status = 'consumed'") == 1);
        }
    }

    @Test
    void eventsWithoutAHandlerAreDeadLetteredOrSkippedAsConfigured() throws Exception {
        UUID unknown = UUID.randomUUID();
        send("x", unknown, "order.mystery", "1", "{}");
        try (ConsumerRunner runner = started(runner())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> inboxCount(runner, "status = 'dead'") == 1);
            assertThat(lastError(runner, unknown)).contains("no handler for event type 'order.mystery'");
        }
        resetOffsets();
        execute("TRUNCATE " + ConsumerRunner.defaultInboxTable(group));
        try (ConsumerRunner skipping = started(runner().unknownTypes(UnknownTypePolicy.SKIP))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> inboxCount(skipping, "status = 'consumed'") == 1);
        }
    }

    private static String order(String id, String total) {
        return "{\"orderId\":\"" + id + "\",\"customer\":\"ada\",\"total\":" + total + "}";
    }

    private void send(String key, UUID ceId, String type, String version, String value) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(broker.clientConfig(),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                    value.getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_id", ceId.toString().getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_type", type.getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_source", "/mailroom/orders".getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_eventversion", version.getBytes(StandardCharsets.UTF_8));
            producer.send(record).get(30, TimeUnit.SECONDS);
        }
    }

    private void resetOffsets() throws Exception {
        try (var admin = broker.admin()) {
            Map<TopicPartition, OffsetAndMetadata> toStart = Map.of(
                    new TopicPartition(topic, 0), new OffsetAndMetadata(0),
                    new TopicPartition(topic, 1), new OffsetAndMetadata(0));
            admin.alterConsumerGroupOffsets(group, toStart).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** The sum of the group's committed offsets over the topic's partitions, or -1 when none is committed. */
    private long committedOffset() throws Exception {
        try (var admin = broker.admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            return offsets.isEmpty() ? -1 : offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
        }
    }

    private long inboxCount(ConsumerRunner runner, String where) throws SQLException {
        return count("SELECT count(*) FROM " + runner.inboxTable() + " WHERE " + where);
    }

    private String lastError(ConsumerRunner runner, UUID eventId) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             ResultSet rs = connection.createStatement().executeQuery("SELECT last_error FROM " + runner.inboxTable()
                     + " WHERE event_id = '" + eventId + "'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             ResultSet rs = connection.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection()) {
            connection.createStatement().execute(sql);
        }
    }
}
