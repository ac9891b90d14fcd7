package dev.mailroom.relay;

import dev.mailroom.event.OutboxEvent;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.publish.OutboxPublisher;
import dev.mailroom.jdbc.schema.SchemaMigrator;
import dev.mailroom.jdbc.store.OutboxStore;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.transport.Envelope;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The orders service, migrated in the test's database (PostgreSQL or MariaDB, read from its data
 * source), with helpers to publish and inspect. Its relays are woken by {@code NOTIFY} on
 * PostgreSQL and poll adaptively on MariaDB.
 */
final class RelayFixture {

    static final String TOPIC = "orders.events";
    static final RouteRegistry ROUTES = RouteRegistry.builder()
            .service("orders", s -> s.table("orders_outbox").topic(TOPIC).event("order.placed"))
            .build();
    static final RetryPolicy FAST_RETRY = RetryPolicy.builder()
            .initialDelay(Duration.ofMillis(5)).maxDelay(Duration.ofMillis(40)).maxAttempts(20).build();

    final TestDatabase database;
    final SqlDialect dialect;
    final RelayTestSql sql;
    final OutboxPublisher publisher;
    final OutboxStore store;

    RelayFixture(TestDatabase database) {
        this.database = database;
        this.dialect = SqlDialect.detect(database.dataSource());
        this.sql = new RelayTestSql(dialect);
        new SchemaMigrator(database.dataSource(), dialect).migrate(ROUTES);
        this.publisher = OutboxPublisher.builder(ROUTES).dialect(dialect).build();
        this.store = OutboxStore.create(database.dataSource(), dialect, ROUTES.service("orders").table(),
                RetryPolicy.defaults());
    }

    void reset() throws SQLException {
        execute(sql.emptyTable("orders_outbox"));
        execute(sql.emptyTable("orders_outbox_claims"));
        if (partitioned()) {
            execute("UPDATE orders_outbox_partitions SET owner = NULL, expires_at = NULL, epoch = 0");
            execute("DELETE FROM orders_outbox_relays");
            execute("DELETE FROM orders_outbox_partition_claims");
        }
    }

    /**
     * Records in the claim journals: row-lock or partition-leased batches in flight, or lost with their
     * relay and not yet counted.
     */
    long claimRecords() throws SQLException {
        return queryLong("SELECT count(*) FROM orders_outbox_claims") + (partitioned()
                ? queryLong("SELECT count(*) FROM orders_outbox_partition_claims") : 0);
    }

    private boolean partitioned() {
        return dialect.outbox(ROUTES.service("orders").table(), java.util.Set.of()).partitionLeases().isPresent();
    }

    Relay.Builder relay(dev.mailroom.transport.Transport transport) {
        return Relay.builder(database.dataSource(), ROUTES, transport).service("orders").retryPolicy(FAST_RETRY)
                .reapInterval(Duration.ofMillis(200));
    }

    static OutboxEvent event(String key, int sequence) {
        return OutboxEvent.builder("order.placed").key(key)
                .json("{\"key\":\"" + key + "\",\"seq\":" + sequence + "}").build();
    }

    List<UUID> publish(List<OutboxEvent> events, boolean commit) throws SQLException {
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            List<UUID> ids = publisher.publishAll(connection, events);
            if (commit) {
                connection.commit();
            } else {
                connection.rollback();
            }
            return ids;
        }
    }

    List<UUID> publish(int count, String keyPrefix, int keys) throws SQLException {
        List<OutboxEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(event(keyPrefix + (i % keys), i));
        }
        return publish(events, true);
    }

    /** The {@code seq} an {@link #event} carries in its payload. */
    static int sequence(Envelope envelope) {
        return sequence(envelope.payload());
    }

    /** The {@code seq} an {@link #event}'s payload carries. */
    static int sequence(byte[] payload) {
        String json = new String(payload, StandardCharsets.UTF_8);
        return Integer.parseInt(json.substring(json.indexOf("\"seq\":") + 6, json.length() - 1));
    }

    long count(String where) throws SQLException {
        return queryLong("SELECT count(*) FROM orders_outbox WHERE " + where);
    }

    long queryLong(String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Ends this test's sessions idle in an open transaction (row-lock batches awaiting their acknowledgements). */
    long terminateIdleInTransaction() throws SQLException {
        try (Connection connection = database.dataSource().getConnection()) {
            return sql.terminateIdleInTransaction(connection);
        }
    }

    void execute(String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
