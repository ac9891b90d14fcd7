package dev.mailroom.ledger;

import dev.mailroom.jdbc.dialect.SqlDialect;
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

/** A migrated, emptied ledger in a fresh test schema, with fast retries, and helpers to record and read it. */
final class LedgerFixture {

    /** Three attempts, 1 to 5 ms apart. */
    static final RetryPolicy FAST = RetryPolicy.builder().initialDelay(Duration.ofMillis(1))
            .maxDelay(Duration.ofMillis(5)).maxAttempts(3).build();
    static final Duration LEASE = Duration.ofSeconds(30);
    static final Duration AWAIT = Duration.ofSeconds(30);

    final TestDatabase database;
    final LedgerStore store;
    /** Executor runs per item id, for executors wrapped with {@link #counting}. */
    final Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();

    LedgerFixture(TestDatabase database) {
        this.database = database;
        this.store = new LedgerStore(database.dataSource(), SqlDialect.postgresql(),
                LedgerTables.of(LedgerSchema.DEFAULT_TABLE));
    }

    void reset() throws SQLException {
        LedgerSchema.migrate(database.dataSource(), LedgerSchema.DEFAULT_TABLE);
        execute("TRUNCATE mailroom_ledger, mailroom_ledger_audit RESTART IDENTITY");
        runs.clear();
    }

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

    long count(String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    void execute(String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
