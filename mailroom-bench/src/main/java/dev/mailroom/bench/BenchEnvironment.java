package dev.mailroom.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.mailroom.event.OutboxEvent;
import dev.mailroom.jdbc.publish.OutboxPublisher;
import dev.mailroom.jdbc.schema.SchemaMigrator;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.testkit.kafka.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;

/**
 * What every scenario runs against: the local PostgreSQL or MariaDB (its benchmark schema
 * recreated, see {@link BenchDatabase}), an in-process Kafka broker, the outbox of an {@code orders}
 * service, and 500-byte JSON events over 1,000 keys.
 */
final class BenchEnvironment implements AutoCloseable {

    static final String TOPIC = "bench.orders";
    static final String TABLE = "orders_outbox";
    static final int PAYLOAD_BYTES = 500;
    static final RouteRegistry ROUTES = RouteRegistry.builder()
            .service("orders", s -> s.table(TABLE).topic(TOPIC).event("order.placed"))
            .build();

    final BenchDatabase database;
    final KafkaBroker broker;
    final HikariDataSource dataSource;
    final OutboxPublisher publisher = OutboxPublisher.builder(ROUTES).build();
    private final int keys;

    /** Reads a result set. */
    @FunctionalInterface
    interface ResultReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** {@code timePartitionSeconds}: above 0, the outbox moves to the time-partitioned layout, partitions this wide. */
    BenchEnvironment(BenchDatabase database, int keys, int timePartitionSeconds) throws SQLException {
        this.database = database;
        this.keys = keys;
        this.dataSource = database.recreate("bench", 16);
        SchemaMigrator migrator = new SchemaMigrator(dataSource, database.dialect());
        migrator.migrate(ROUTES);
        if (timePartitionSeconds > 0) {
            migrator.migrateToTimePartitions(ROUTES.service("orders"), Duration.ofSeconds(timePartitionSeconds));
        }
        this.broker = KafkaBroker.start();
        broker.createTopic(TOPIC, 6);
    }

    /** A 500-byte JSON order with the given sequence number. */
    static byte[] payload(long sequence) {
        String head = "{\"orderId\":\"order-" + sequence + "\",\"customer\":\"customer-" + (sequence % 997)
                + "\",\"total\":" + (sequence % 10_000) / 100.0 + ",\"note\":\"";
        String tail = "\"}";
        int filler = PAYLOAD_BYTES - head.length() - tail.length();
        return (head + "x".repeat(Math.max(0, filler)) + tail).getBytes(StandardCharsets.UTF_8);
    }

    /** The key of the event with the given sequence number: one of {@code keys}. */
    String key(long sequence) {
        return "key-" + (sequence % keys);
    }

    OutboxEvent event(long sequence) {
        return OutboxEvent.builder("order.placed").key(key(sequence))
                .payload(payload(sequence), OutboxEvent.JSON).build();
    }

    List<OutboxEvent> events(long from, int count) {
        List<OutboxEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(event(from + i));
        }
        return events;
    }

    /** Empties the outbox and refreshes its statistics, so each scenario starts from the same table. */
    void resetOutbox() throws SQLException {
        database.reset(this, TABLE);
    }

    /** Fills the outbox with {@code count} pending events, 500 per transaction. */
    void fillBacklog(int count) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            for (int from = 0; from < count; from += 500) {
                publisher.publishAll(connection, events(from, Math.min(500, count - from)));
                connection.commit();
            }
        }
        database.analyze(this, TABLE);
    }

    long queryLong(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    String queryString(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    <T> T query(String sql, ResultReader<T> reader) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            return reader.read(rs);
        }
    }

    void execute(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @Override
    public void close() {
        dataSource.close();
        broker.close();
    }
}
