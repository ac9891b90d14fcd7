package dev.mailroom.jdbc.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.event.OutboxEvent;
import dev.mailroom.jdbc.OutboxFixture;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PostgreSQL only by nature: the planner's choices for the claim statements (partial indexes, no sequential scans). */
@WithPostgres
class PostgresClaimPlansTest {

    private OutboxFixture outbox;

    @BeforeEach
    void setUp(TestDatabase database) throws Exception {
        outbox = new OutboxFixture(database);
        outbox.reset();
    }

    @Test
    void theClaimWalksThePartialPendingIndex() throws Exception {
        outbox.reset();
        outbox.publishCommitted(20_000);
        outbox.execute("UPDATE orders_outbox SET status = 'published' WHERE id <= 19900");
        outbox.execute("ANALYZE orders_outbox");
        String plan = outbox.explainClaim(new PostgresOutboxSql(OutboxFixture.ORDERS.table()).claim(),
                "relay", 30_000L, 100);
        assertThat(plan)
                .contains("orders_outbox_pending_idx")
                .doesNotContain("Seq Scan");
    }
    @Test
    void theOrderingProbeUsesTheKeyOrderIndex() throws Exception {
        List<OutboxEvent> events = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            events.add(OutboxFixture.event("key-" + (i % 1000)));
        }
        outbox.publishCommitted(events);
        outbox.execute("UPDATE orders_outbox SET status = 'published' WHERE id <= 19000");
        outbox.execute("ANALYZE orders_outbox");
        PostgresOutboxSql sql = new PostgresOutboxSql(OutboxFixture.ORDERS.table());
        String plan = outbox.explainClaim(sql.claimInKeyOrder(false), "relay", 30_000L, 400, 100);
        assertThat(plan).contains("orders_outbox_key_order_idx").doesNotContain("Seq Scan")
                .doesNotContain("orders_outbox_held_idx");
        String holding = outbox.explainClaim(sql.claimInKeyOrder(true), "relay", 30_000L, 400,
                new String[] {"order.placed"}, 100);
        assertThat(holding).as("the held-key probe reads only holding rows")
                .contains("orders_outbox_key_order_idx", "orders_outbox_held_idx").doesNotContain("Seq Scan");
    }

    @Test
    void aRetentionBatchStartsAfterTheRowsItsPassAlreadyDeleted() throws Exception {
        // no autovacuum may remove the deleted versions before the plans are read
        outbox.execute("ALTER TABLE orders_outbox SET (autovacuum_enabled = false)");
        outbox.publishCommitted(20_000);
        outbox.execute("UPDATE orders_outbox SET status = 'published', updated_at = now() - interval '8 days'");
        outbox.execute("VACUUM ANALYZE orders_outbox");
        // the pass's first batches: their row versions stay in the table and its indexes until a vacuum
        outbox.execute("DELETE FROM orders_outbox WHERE id <= 15000");
        String deleteFinished = new PostgresOutboxSql(OutboxFixture.ORDERS.table()).deleteFinished();
        String fromCursor = outbox.explain("EXPLAIN (ANALYZE, BUFFERS)", null, deleteFinished, 15_000L, 86_400_000L, 500);
        String fromStart = outbox.explain("EXPLAIN (ANALYZE, BUFFERS)", null, deleteFinished, Long.MIN_VALUE,
                86_400_000L, 500);
        assertThat(fromCursor).as(fromCursor).doesNotContain("Seq Scan");
        try {
            assertThat(buffers(fromStart)).as("buffers read by a batch from the start, then from the cursor")
                    .isGreaterThan(3 * buffers(fromCursor));
        } finally {
            outbox.execute("ALTER TABLE orders_outbox RESET (autovacuum_enabled)");
        }
    }

    /** The buffers read, hit or not, by the scan that finds a retention batch's rows (its first Buffers line). */
    private static long buffers(String plan) {
        int scan = plan.indexOf("Index Cond: (id >= ");
        assertThat(scan).as(plan).isNotNegative();
        String line = plan.substring(plan.indexOf("Buffers: shared", scan)).lines().findFirst().orElseThrow();
        long buffers = 0;
        for (String kind : new String[] {"hit", "read"}) {
            Matcher count = Pattern.compile(kind + "=(\\d+)").matcher(line);
            buffers += count.find() ? Long.parseLong(count.group(1)) : 0;
        }
        return buffers;
    }

    /**
     * A server-side prepared claim keeps the plan it got first: planned while the table was empty, a
     * sequential scan per key probe, which as the table grows costs the square of it (seen in the
     * benchmark: 1.5-3.3 s per claim of 500 at 8,000 rows, until the next ANALYZE).
     */
    @Test
    void claimsArePlannedOnTheirIndexesEvenForAnEmptyTable() throws Exception {
        outbox.execute("VACUUM ANALYZE orders_outbox");
        var sql = new PostgresOutboxSql(OutboxFixture.ORDERS.table());
        String indexed = "SET LOCAL enable_seqscan TO OFF";

        String[] holdingTypes = {"order.placed"};
        assertThat(outbox.explainClaimAfter(null, sql.lockInKeyOrder(false), 2000, 500))
                .as("the plan the setting prevents").contains("Seq Scan");
        assertThat(outbox.explainClaimAfter(indexed, sql.lockInKeyOrder(false), 2000, 500)).doesNotContain("Seq Scan");
        assertThat(outbox.explainClaimAfter(indexed, sql.lockInKeyOrder(true), 2000, holdingTypes, 500))
                .doesNotContain("Seq Scan");
        assertThat(outbox.explainClaimAfter(indexed, sql.claimInKeyOrder(false), "relay", 30_000L, 2000, 500))
                .doesNotContain("Seq Scan");
        assertThat(outbox.explainClaimAfter(indexed, sql.claimInKeyOrder(true), "relay", 30_000L, 2000, holdingTypes,
                500)).doesNotContain("Seq Scan");
        assertThat(outbox.explainClaimAfter(indexed, sql.lock(), 500)).doesNotContain("Seq Scan");
        assertThat(outbox.explainClaimAfter(indexed, sql.claim(), "relay", 30_000L, 500)).doesNotContain("Seq Scan");
    }

    /**
     * The same hazard one step on: with sequential scans off, a generic plan made while the table was
     * empty probes each candidate's key through the primary key ({@code id < o.id}), every older row
     * including the delivered history: seconds per claim in the benchmark's latency run (a new
     * table fills faster than autovacuum analyzes it). Claims are planned for the table as it is.
     */
    @Test
    void aClaimPreparedOnAnEmptyTableIsPlannedAgainOnceTheTableGrew(TestDatabase database) throws Exception {
        outbox.execute("VACUUM ANALYZE orders_outbox");
        outbox.execute("ALTER TABLE orders_outbox SET (autovacuum_enabled = false)");
        try (Connection relay = database.dataSource().getConnection();
             Connection prevented = database.dataSource().getConnection()) {
            String lock = numberedParameters(new PostgresOutboxSql(OutboxFixture.ORDERS.table()).lockInKeyOrder(false));
            for (Connection connection : List.of(relay, prevented)) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("PREPARE claim(int, int) AS " + lock);
                }
            }
            for (int i = 0; i < 8; i++) {
                planOfClaim(relay, true);
                planOfClaim(prevented, false);
            }
            List<OutboxEvent> events = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                events.add(OutboxFixture.event("key-" + (i % 1000)));
            }
            outbox.publishCommitted(events);
            outbox.execute("UPDATE orders_outbox SET status = 'published' WHERE id <= (SELECT min(id) + 19000 FROM orders_outbox)");

            String probeByPrimaryKey = "Index Cond: (id < o.id)";
            assertThat(planOfClaim(prevented, false)).as("the plan the setting prevents").contains(probeByPrimaryKey);
            assertThat(planOfClaim(relay, true)).contains("orders_outbox_key_order_idx").doesNotContain(probeByPrimaryKey);
        } finally {
            outbox.execute("ALTER TABLE orders_outbox RESET (autovacuum_enabled)");
        }
    }

    /**
     * Not only claims: the settlement of a batch claimed without row locks (partition leases, leases)
     * runs {@code UPDATE ... WHERE id = ANY(?)} in a transaction of its own. Prepared while the table
     * was empty, its generic plan scans the whole table for a handful of ids (the partition-leased
     * relay's settlement grew from under 1 ms to tens of ms over a latency run); every relay
     * transaction plans for the table as it is.
     */
    @Test
    void aSettlementPreparedOnAnEmptyTableIsPlannedAgainOnceTheTableGrew(TestDatabase database) throws Exception {
        outbox.execute("VACUUM ANALYZE orders_outbox");
        outbox.execute("ALTER TABLE orders_outbox SET (autovacuum_enabled = false)");
        try (Connection relay = database.dataSource().getConnection();
             Connection prevented = database.dataSource().getConnection()) {
            String settle = numberedParameters(new PostgresOutboxSql(OutboxFixture.ORDERS.table()).markLockedPublished());
            for (Connection connection : List.of(relay, prevented)) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("PREPARE settle(bigint[]) AS " + settle);
                }
            }
            for (int i = 0; i < 8; i++) {
                planOfSettlement(relay, true, "{1,2,3}");
                planOfSettlement(prevented, false, "{1,2,3}");
            }
            outbox.publishCommitted(20_000);
            long newest = outbox.queryLong("SELECT max(id) FROM orders_outbox");
            String ids = "{" + (newest - 2) + "," + (newest - 1) + "," + newest + "}";

            assertThat(planOfSettlement(prevented, false, ids)).as("the plan the setting prevents").contains("Seq Scan");
            assertThat(planOfSettlement(relay, true, ids)).contains("orders_outbox_pkey").doesNotContain("Seq Scan");
        } finally {
            outbox.execute("ALTER TABLE orders_outbox RESET (autovacuum_enabled)");
        }
    }

    /**
     * Statistics from when few rows were pending (autovacuum's ANALYZE lags a growing backlog): with
     * the guard written {@code status IN ('pending', 'sending')}, the planner walked the whole partial
     * key-order index (whose predicate that guard implies) for the settlement's 500 ids, every pending
     * row read per settlement (seen at 15,000 events/s: 394 ms against 12 ms by the primary key).
     */
    @Test
    void aSettlementFindsItsRowsByTheirIdsWhenTheStatisticsMissTheBacklog(TestDatabase database) throws Exception {
        outbox.execute("ALTER TABLE orders_outbox SET (autovacuum_enabled = false)");
        try {
            outbox.publishCommitted(2_000);
            outbox.execute("UPDATE orders_outbox SET status = 'published'");
            outbox.execute("VACUUM ANALYZE orders_outbox");
            List<OutboxEvent> backlog = new ArrayList<>();
            for (int i = 0; i < 30_000; i++) {
                backlog.add(OutboxFixture.event("key-" + (i % 1000)));
            }
            outbox.publishCommitted(backlog);
            long oldestPending = outbox.queryLong("SELECT min(id) FROM orders_outbox WHERE status = 'pending'");
            StringJoiner ids = new StringJoiner(",", "'{", "}'");
            for (long id = oldestPending; id < oldestPending + 500; id++) {
                ids.add(Long.toString(id));
            }
            String settle = new PostgresOutboxSql(OutboxFixture.ORDERS.table()).markLockedPublished().replace("?", ids.toString());
            String impliedPartialIndex = "UPDATE orders_outbox SET status = 'published', updated_at = now()"
                    + " WHERE id = ANY(" + ids + ") AND status IN ('pending', 'sending')";
            RelayTransaction settling = new RelayTransaction(false, true, Duration.ofSeconds(30));
            try (Connection connection = database.dataSource().getConnection()) {
                assertThat(planOf(connection, settling, impliedPartialIndex)).as("the plan the guard's form prevents")
                        .contains("orders_outbox_key_order_idx");
                assertThat(planOf(connection, settling, settle)).contains("orders_outbox_pkey")
                        .doesNotContain("key_order_idx").doesNotContain("pending_idx");
                // the other statements that name rows by id: a lost claim's rows, and whether any of them is pending
                PostgresOutboxSql sql = new PostgresOutboxSql(OutboxFixture.ORDERS.table());
                String countLost = sql.countLostClaim().replaceFirst("\\?", "'{order.placed}'")
                        .replaceFirst("\\?", "'lost'").replaceFirst("\\?", ids.toString());
                assertThat(planOf(connection, settling, countLost)).as(countLost).contains("orders_outbox_pkey")
                        .doesNotContain("key_order_idx").doesNotContain("pending_idx");
                assertThat(planOf(connection, settling, sql.anyPendingOf().replace("?", ids.toString())))
                        .contains("orders_outbox_pkey").doesNotContain("key_order_idx").doesNotContain("pending_idx");
            }
        } finally {
            outbox.execute("ALTER TABLE orders_outbox RESET (autovacuum_enabled)");
        }
    }

    /**
     * JIT compilation starts at a statement's estimated cost, which grows with the table and with
     * statistics behind it: the partition claim compiled 67 functions per run (12 ms per claim of
     * 500 became 42 ms). The relay's transactions never compile; here the threshold is lowered to 0.
     */
    @Test
    void theRelaysStatementsAreNeverCompiled(TestDatabase database) throws Exception {
        String claim = new PostgresOutboxSql(OutboxFixture.ORDERS.table()).lock().replace("?", "500");
        try (Connection connection = database.dataSource().getConnection()) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET jit_above_cost = 0");
            }
            try {
                connection.setAutoCommit(false);
                try (Statement statement = connection.createStatement()) {
                    assertThat(explain(statement, claim)).as("the compilation the setting prevents").contains("JIT");
                } finally {
                    connection.rollback();
                    connection.setAutoCommit(true);
                }
                assertThat(planOf(connection, new RelayTransaction(true, true, Duration.ofSeconds(30)), claim))
                        .doesNotContain("JIT");
                assertThat(planOf(connection, new RelayTransaction(false, false, null), claim)).doesNotContain("JIT");
            } finally {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("RESET jit_above_cost");
                }
            }
        }
    }

    /** EXPLAIN of a statement in a transaction begun with the relay's settings, rolled back. */
    private static String planOf(Connection connection, RelayTransaction settings, String sql) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            SqlDialect.postgresql().beginRelayTransaction(connection, settings);
            return explain(statement, sql);
        } finally {
            connection.rollback();
            connection.setAutoCommit(true);
        }
    }

    /** EXPLAIN of the prepared settlement in a settling transaction of the relay's settings (or with none). */
    private static String planOfSettlement(Connection connection, boolean relaySettings, String ids) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            if (relaySettings) {
                SqlDialect.postgresql().beginRelayTransaction(connection, new RelayTransaction(false, true,
                        Duration.ofSeconds(30)));
            }
            String plan = explain(statement, "EXECUTE settle('" + ids + "')");
            statement.execute("EXECUTE settle('" + ids + "')");
            return plan;
        } finally {
            connection.rollback();
            connection.setAutoCommit(true);
        }
    }

    private static String explain(Statement statement, String sql) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (ResultSet rs = statement.executeQuery("EXPLAIN " + sql)) {
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }

    /** EXPLAIN of the prepared claim in a claim transaction of the relay's settings (or with sequential scans off only). */
    private static String planOfClaim(Connection connection, boolean relaySettings) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            if (relaySettings) {
                SqlDialect.postgresql().beginRelayTransaction(connection, new RelayTransaction(true, false, null));
            } else {
                statement.execute("SET LOCAL enable_seqscan TO OFF");
            }
            String plan = explain(statement, "EXECUTE claim(2000, 500)");
            statement.execute("EXECUTE claim(2000, 500)");
            return plan;
        } finally {
            connection.rollback();
            connection.setAutoCommit(true);
        }
    }

    private static String numberedParameters(String jdbcSql) {
        StringBuilder numbered = new StringBuilder();
        int parameter = 0;
        for (char c : jdbcSql.toCharArray()) {
            if (c == '?') {
                numbered.append('$').append(++parameter);
            } else {
                numbered.append(c);
            }
        }
        return numbered.toString();
    }
}
