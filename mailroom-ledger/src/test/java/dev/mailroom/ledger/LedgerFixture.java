package dev.mailroom.ledger;

import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.testkit.db.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A migrated, emptied ledger in a fresh test database, with fast retries, and helpers to record and read it. */
final class LedgerFixture {

    /** Three attempts, 1 to 5 ms apart. */
    static final RetryPolicy FAST = RetryPolicy.builder().initialDelay(Duration.ofMillis(1))
            .maxDelay(Duration.ofMillis(5)).maxAttempts(3).build();
    static final Duration LEASE = Duration.ofSeconds(30);
    static final Duration AWAIT = Duration.ofSeconds(30);

    final TestDatabase database;
    final LedgerTestSql sql;
    final LedgerStore store;
    /** Executor runs per item id, for executors wrapped with {@link #counting}. */
    final Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();

    LedgerFixture(TestDatabase database) {
        this.database = database;
        this.sql = new LedgerTestSql(database);
        this.store = new LedgerStore(database.dataSource(), sql.dialect(), LedgerTables.of(LedgerSchema.DEFAULT_TABLE));
    }

    /** Migrates the default ledger (its dialect detected) and empties it. */
    void reset() throws SQLException {
        LedgerSchema.migrate(database.dataSource(), LedgerSchema.DEFAULT_TABLE);
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            for (String emptying : sql.emptyLedger()) {
                statement.execute(emptying);
            }
        }
        runs.clear();
    }

    /** A ledger builder that reads the dialect from the data source. */
    CompensationLedger.Builder ledger() {
        return CompensationLedger.builder(database.dataSource()).retryPolicy(FAST).idleWait(Duration.ofMillis(20))
                .lease(LEASE);
    }

    ItemExecutor counting(ItemExecutor then) {
        return item -> {
            runs.computeIfAbsent(item.id(), id -> new AtomicInteger()).incrementAndGet();
            then.execute(item);
        };
    }

    int runsOf(long id) {
        AtomicInteger count = runs.get(id);
        return count == null ? 0 : count.get();
    }

    static ItemExecutor failing(String message) {
        return item -> {
            throw new IllegalStateException(message);
        };
    }

    /** Records {@code count} items of one batch and operation in one committed transaction; returns their ids. */
    List<Long> record(CompensationLedger ledger, String batch, String operation, int count) throws SQLException {
        List<FailedItem> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add(new FailedItem(batch, operation, i, "{\"item\":" + i + "}", "first failure of " + i));
        }
        return recordCommitted(ledger, items);
    }

    List<Long> recordCommitted(CompensationLedger ledger, List<FailedItem> items) throws SQLException {
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            List<Long> ids = ledger.recordAll(connection, items, "importer");
            connection.commit();
            return ids;
        }
    }

    LedgerItem find(CompensationLedger ledger, long id) {
        return ledger.find(id).orElseThrow();
    }

    long count(String query) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    void execute(String statementSql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(statementSql);
        }
    }
}
