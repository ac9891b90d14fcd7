package dev.mailroom.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.mailroom.event.OutboxEvent;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.publish.OutboxPublisher;
import dev.mailroom.jdbc.schema.SchemaMigrator;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.testkit.kafka.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What every scenario runs against: the local PostgreSQL (schema {@code mailroom_bench}, recreated),
 * an in-process Kafka broker, the outbox of an {@code orders} service, and 500-byte JSON events over
 * 1,000 keys.
 */
final class BenchEnvironment implements AutoCloseable {

    static final String TOPIC = "bench.orders";
    static final String TABLE = "orders_outbox";
    static final int PAYLOAD_BYTES = 500;
    static final RouteRegistry ROUTES = RouteRegistry.builder()
            .service("orders", s -> s.table(TABLE).topic(TOPIC).event("order.placed"))
            .build();

    final KafkaBroker broker;
    final HikariDataSource dataSource;
    final OutboxPublisher publisher = OutboxPublisher.builder(ROUTES).build();
    final String pgUrl;
    final String pgUser;
    final String pgPassword;
    private final int keys;

    /** Where PostgreSQL is: MAILROOM_PG_URL, MAILROOM_PG_USER, MAILROOM_PG_PASSWORD, or the local server. */
    record Postgres(String url, String user, String password) {
        static Postgres fromEnvironment(Map<String, String> env) {
            return new Postgres(env.getOrDefault("MAILROOM_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test"),
                    env.getOrDefault("MAILROOM_PG_USER", "postgres"), env.getOrDefault("MAILROOM_PG_PASSWORD", ""));
        }
    }

    BenchEnvironment(Map<String, String> env, int keys) throws SQLException {
        this.keys = keys;
        Postgres pg = Postgres.fromEnvironment(env);
        this.pgUrl = pg.url();
        this.pgUser = pg.user();
        this.pgPassword = pg.password();
        try (Connection connection = DriverManager.getConnection(pgUrl, pgUser, pgPassword);
             Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS mailroom_bench CASCADE");
            statement.execute("CREATE SCHEMA mailroom_bench");
        }
        this.dataSource = new HikariDataSource();
        dataSource.setPoolName("bench");
        dataSource.setJdbcUrl(pgUrl + (pgUrl.contains("?") ? "&" : "?") + "currentSchema=mailroom_bench");
        dataSource.setUsername(pgUser);
        dataSource.setPassword(pgPassword);
        dataSource.setMaximumPoolSize(16);
        new SchemaMigrator(dataSource, SqlDialect.postgresql()).migrate(ROUTES);
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

    OutboxEvent event(long sequence) {
        return OutboxEvent.builder("order.placed").key("key-" + (sequence % keys))
                .payload(payload(sequence), OutboxEvent.JSON).build();
    }

    List<OutboxEvent> events(long from, int count) {
        List<OutboxEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(event(from + i));
        }
        return events;
    }

    /** Empties the outbox and vacuums it, so each scenario starts from the same table. */
    void resetOutbox() throws SQLException {
        execute("TRUNCATE " + TABLE + " RESTART IDENTITY");
        execute("VACUUM ANALYZE " + TABLE);
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
        execute("VACUUM ANALYZE " + TABLE);
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
