package dev.mailroom.jdbc;

import dev.mailroom.event.OutboxEvent;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.publish.OutboxPublisher;
import dev.mailroom.jdbc.schema.SchemaMigrator;
import dev.mailroom.jdbc.store.OutboxRow;
import dev.mailroom.jdbc.store.OutboxStore;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.routing.ServiceRoute;
import dev.mailroom.testkit.db.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * An orders service with a migrated outbox table in a fresh test schema (PostgreSQL) or database
 * (MariaDB), in the dialect detected from it, and helpers to read it.
 */
public final class OutboxFixture {

    public static final RouteRegistry ROUTES = RouteRegistry.builder()
            .service("orders", s -> s.table("orders_outbox").topic("orders.events")
                    .event("order.placed").event("order.cancelled"))
            .service("billing", s -> s.table("billing_outbox").topic("billing.events")
                    .event("invoice.issued"))
            .build();
    public static final ServiceRoute ORDERS = ROUTES.service("orders");

    public final TestDatabase database;
    public final SqlDialect dialect;
    /** The tests' SQL that differs per database. */
    public final JdbcTestSql sql;
    public final OutboxPublisher publisher;
    public final OutboxStore store;

    public OutboxFixture(TestDatabase database, RetryPolicy retryPolicy) {
        this.database = database;
        this.dialect = SqlDialect.detect(database.dataSource());
        this.sql = new JdbcTestSql(dialect);
        new SchemaMigrator(database.dataSource(), dialect).migrate(ROUTES);
        this.publisher = OutboxPublisher.builder(ROUTES).maxAttempts(retryPolicy.maxAttempts()).build();
        this.store = OutboxStore.create(database.dataSource(), dialect, ORDERS.table(), retryPolicy);
    }

    public OutboxFixture(TestDatabase database) {
        this(database, RetryPolicy.defaults());
    }

    /** Empties the outbox tables; ids start at 1 again. */
    public void reset() throws SQLException {
        emptyTables("orders_outbox", "billing_outbox", "orders_outbox_claims", "billing_outbox_claims");
    }

    public void emptyTables(String... tables) throws SQLException {
        for (String statement : sql.emptyTables(tables)) {
            execute(statement);
        }
    }

    public static OutboxEvent event(String key) {
        return OutboxEvent.builder("order.placed").key(key).json("{\"order\":\"" + key + "\"}").build();
    }

    /** Publishes events in one committed transaction; returns their ids. */
    public List<UUID> publishCommitted(List<OutboxEvent> events) throws SQLException {
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            List<UUID> ids = publisher.publishAll(connection, events);
            connection.commit();
            return ids;
        }
    }

    /** One committed transaction with one {@code {}} event per key, in order (a null key: no key). */
    public List<UUID> publishKeys(String... keys) throws SQLException {
        List<OutboxEvent> events = new ArrayList<>();
        for (String key : keys) {
            events.add(OutboxEvent.builder("order.placed").key(key).json("{}").build());
        }
        return publishCommitted(events);
    }

    public static List<Long> ids(List<OutboxRow> rows) {
        return rows.stream().map(OutboxRow::id).toList();
    }

    public List<UUID> publishCommitted(int count) throws SQLException {
        List<OutboxEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(event("k" + i));
        }
        return publishCommitted(events);
    }

    public long count(String table) throws SQLException {
        return queryLong("SELECT count(*) FROM " + table);
    }

    public long queryLong(String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public String queryString(String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** The plan of a claim statement with its parameters, in a rolled-back transaction. */
    public String explainClaim(String claimSql, Object... parameters) throws SQLException {
        return explainClaimAfter(null, claimSql, parameters);
    }

    /** EXPLAIN of a claim statement in a transaction that first ran {@code setting} (none if null). */
    public String explainClaimAfter(String setting, String claimSql, Object... parameters) throws SQLException {
        return explain("EXPLAIN", setting, claimSql, parameters);
    }

    /**
     * The lines of {@code explain} (such as {@code EXPLAIN} or {@code ANALYZE FORMAT=JSON}) of a
     * statement with its parameters, in a transaction that first ran {@code setting} (none if null)
     * and is rolled back.
     */
    public String explain(String explain, String setting, String statementSql, Object... parameters)
            throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            if (setting != null) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute(setting);
                }
            }
            try (PreparedStatement explained = connection.prepareStatement(explain + " " + statementSql)) {
                for (int i = 0; i < parameters.length; i++) {
                    explained.setObject(i + 1, parameters[i]);
                }
                try (ResultSet rs = explained.executeQuery()) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
            }
            connection.rollback();
        }
        return plan.toString();
    }

    /**
     * Makes every claim journal record a minute old, as if that much time had passed since its
     * claim: MariaDB passes by records younger than its grace (2 s) before it counts them lost.
     * Waits for records a transaction holds (a session just ended may hold its locks a moment longer).
     */
    public void ageClaimRecords() throws SQLException {
        execute("UPDATE orders_outbox_claims SET created_at = " + sql.nowPlus(Duration.ofMinutes(-1)));
    }

    /** {@link #ageClaimRecords} for the records no transaction holds, leaving the others (not waiting). */
    public void ageUnheldClaimRecords() throws SQLException {
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            List<String> unheld = new ArrayList<>();
            try (Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT id FROM orders_outbox_claims FOR UPDATE SKIP LOCKED")) {
                while (rs.next()) {
                    unheld.add(Long.toString(rs.getLong(1)));
                }
            }
            if (!unheld.isEmpty()) {
                try (Statement statement = connection.createStatement()) {
                    statement.executeUpdate("UPDATE orders_outbox_claims SET created_at = "
                            + sql.nowPlus(Duration.ofMinutes(-1)) + " WHERE id IN (" + String.join(", ", unheld) + ")");
                }
            }
            connection.commit();
        }
    }

    /** Writes a claim journal record by hand, a minute old (see {@link #ageClaimRecords}): row ids as {@link JdbcTestSql#idList}. */
    public void insertLostClaimRecord(String rowIds) throws SQLException {
        insertClaimRecord(rowIds, Duration.ofMinutes(-1));
    }

    /** Writes a claim journal record by hand, created at the database's time plus {@code offset}. */
    public void insertClaimRecord(String rowIds, Duration offset) throws SQLException {
        execute("INSERT INTO orders_outbox_claims (row_ids, created_at) VALUES (" + rowIds + ", " + sql.nowPlus(offset) + ")");
    }

    public void execute(String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
