package dev.mailroom.consumer;

import dev.mailroom.jdbc.schema.SchemaMigrator;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.routing.PoisonPolicy;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.kafka.KafkaBroker;
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
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A fresh topic (two partitions), consumer group and inbox per test, an {@code order.placed}
 * handler that writes into {@code notified} and counts its effects, and the queries the consumer
 * tests assert on.
 */
final class ConsumerFixture {

    /** The payload handlers decode. */
    public record OrderPlaced(String orderId, String customer, BigDecimal total) {
    }

    static final RetryPolicy FAST = RetryPolicy.builder().initialDelay(Duration.ofMillis(10))
            .maxDelay(Duration.ofMillis(50)).maxAttempts(4).build();

    final Map<UUID, AtomicInteger> handled = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
    private final TestDatabase database;
    private final ConsumerTestSql sql;
    private final KafkaBroker broker;
    private final String topic;
    private final String group;
    private final RouteRegistry routes;

    ConsumerFixture(TestDatabase database, KafkaBroker broker) throws SQLException {
        this.database = database;
        this.sql = ConsumerTestSql.of(database);
        this.broker = broker;
        String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong());
        this.topic = "orders-" + suffix;
        this.group = "notifications-" + suffix;
        broker.createTopic(topic, 2);
        this.routes = RouteRegistry.builder()
                .service("orders", s -> s.table("orders_outbox").topic(topic).consumerGroup(group)
                        .event("order.placed"))
                .build();
        new SchemaMigrator(database.dataSource(), sql.dialect()).migrate(routes);
        execute(sql.createNotifiedTable());
        execute("TRUNCATE notified");
    }

    TestDatabase database() {
        return database;
    }

    ConsumerTestSql sql() {
        return sql;
    }

    KafkaBroker broker() {
        return broker;
    }

    String topic() {
        return topic;
    }

    String group() {
        return group;
    }

    RouteRegistry routes() {
        return routes;
    }

    ConsumerRunner.Builder runner() {
        return runner(database.dataSource());
    }

    /** The runner with the counting handler, where a dead {@code order.placed} holds its key ({@code HOLD_KEY}). */
    ConsumerRunner.Builder runnerHoldingKeys() {
        RouteRegistry holding = RouteRegistry.builder()
                .service("orders", s -> s.table("orders_outbox").topic(topic).consumerGroup(group)
                        .event("order.placed").poisonPolicy(PoisonPolicy.HOLD_KEY))
                .build();
        return runner(database.dataSource(), holding);
    }

    /** The runner with the counting handler, working through {@code dataSource}. */
    ConsumerRunner.Builder runner(DataSource dataSource) {
        return runner(dataSource, routes);
    }

    private ConsumerRunner.Builder runner(DataSource dataSource, RouteRegistry routes) {
        return ConsumerRunner.builder(dataSource, routes, broker.bootstrapServers())
                .group(group).retryPolicy(FAST)
                .handler("order.placed", OrderPlaced.class, Set.of(1), order -> {
                    if (order.total().signum() < 0) {
                        throw new IllegalArgumentException("total must not be negative");
                    }
                }, (order, metadata, transaction) -> {
                    AtomicInteger left = failuresLeft.get(order.orderId());
                    if (left != null && left.getAndDecrement() > 0) {
                        throw new IllegalStateException("mail server busy for " + order.orderId());
                    }
                    try (PreparedStatement insert = transaction.prepareStatement("INSERT INTO notified VALUES (?, ?)")) {
                        sql.dialect().setUuid(insert, 1, metadata.eventId());
                        insert.setString(2, order.orderId());
                        insert.executeUpdate();
                    }
                    handled.computeIfAbsent(metadata.eventId(), id -> new AtomicInteger()).incrementAndGet();
                });
    }

    static ConsumerRunner started(ConsumerRunner.Builder builder) {
        ConsumerRunner runner = builder.build();
        runner.migrate();
        return runner.start();
    }

    static String order(String id, String total) {
        return "{\"orderId\":\"" + id + "\",\"customer\":\"ada\",\"total\":" + total + "}";
    }

    /** A record with CloudEvents headers, as Mailroom's relay sends it. */
    ProducerRecord<byte[], byte[]> record(String key, UUID ceId, String type, String version, String value) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_id", ceId.toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_type", type.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_source", "/mailroom/orders".getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_eventversion", version.getBytes(StandardCharsets.UTF_8));
        return record;
    }

    void send(String key, UUID ceId, String type, String version, String value) throws Exception {
        send(record(key, ceId, type, version, value));
    }

    /** Sends raw records with a plain producer, in order, and waits for each to be acknowledged. */
    @SafeVarargs
    final void send(ProducerRecord<byte[], byte[]>... records) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(broker.clientConfig(),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ProducerRecord<byte[], byte[]> record : records) {
                producer.send(record).get(30, TimeUnit.SECONDS);
            }
        }
    }

    void resetOffsets() throws Exception {
        try (var admin = broker.admin()) {
            Map<TopicPartition, OffsetAndMetadata> toStart = Map.of(
                    new TopicPartition(topic, 0), new OffsetAndMetadata(0),
                    new TopicPartition(topic, 1), new OffsetAndMetadata(0));
            admin.alterConsumerGroupOffsets(group, toStart).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** The sum of the group's committed offsets over the topic's partitions, or -1 when none is committed. */
    long committedOffset() throws Exception {
        try (var admin = broker.admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            return offsets.isEmpty() ? -1 : offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
        }
    }

    long inboxCount(ConsumerRunner runner, String where) throws SQLException {
        return count("SELECT count(*) FROM " + runner.inboxTable() + " WHERE " + where);
    }

    String lastError(ConsumerRunner runner, UUID eventId) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             ResultSet rs = connection.createStatement().executeQuery("SELECT last_error FROM " + runner.inboxTable()
                     + " WHERE event_id = '" + eventId + "'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    long count(String query) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             ResultSet rs = connection.createStatement().executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    void execute(String statement) throws SQLException {
        try (Connection connection = database.dataSource().getConnection()) {
            connection.createStatement().execute(statement);
        }
    }
}
