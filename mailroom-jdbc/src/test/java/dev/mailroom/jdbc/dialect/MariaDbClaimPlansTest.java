package dev.mailroom.jdbc.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailroom.event.OutboxEvent;
import dev.mailroom.jdbc.OutboxFixture;
import dev.mailroom.jdbc.store.OutboxRow;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithMariaDb;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MariaDB has no partial indexes: the status leads or follows in each index instead. Proved here
 * with one key whose delivered history is long: the key-order probe reads none of it, the claims
 * and the reaper go by the status indexes, and statements that name rows by id by the primary key.
 */
@WithMariaDb
class MariaDbClaimPlansTest {

    private static final int DELIVERED = 20_000;
    private static final int WINDOW = 400;
    private static final int LIMIT = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static OutboxFixture outbox;
    private static MariaDbOutboxSql sql;

    /** The hot key's history: published and marked published by the store, rows kept. */
    @BeforeAll
    static void deliverALongHistoryOfOneKey(TestDatabase database) throws Exception {
        outbox = new OutboxFixture(database);
        outbox.reset();
        sql = new MariaDbOutboxSql(OutboxFixture.ORDERS.table());
        List<OutboxEvent> history = new ArrayList<>();
        for (int i = 0; i < DELIVERED; i++) {
            history.add(OutboxFixture.event("hot"));
        }
        outbox.publishCommitted(history);
        List<OutboxRow> batch;
        while (!(batch = outbox.store.claim("relay", 500, Duration.ofMinutes(5))).isEmpty()) {
            outbox.store.markPublished("relay", OutboxFixture.ids(batch));
        }
        assertThat(outbox.queryLong("SELECT count(*) FROM orders_outbox WHERE status = 'published'"
                + " AND event_key = 'hot'")).isEqualTo(DELIVERED);
    }

    @BeforeEach
    void onlyTheHistoryIsLeft() throws SQLException {
        outbox.execute("DELETE FROM orders_outbox WHERE status <> 'published'");
    }

    @Test
    void theKeyOrderProbeReadsNoneOfAKeysDeliveredRows() throws Exception {
        outbox.publishKeys("hot", "cold", "hot", null, "warm", "hot");
        long firstPending = firstPending();
        analyzeTable();

        JsonNode analyzed = plan("ANALYZE FORMAT=JSON", sql.keyOrderedCandidates(false), WINDOW, LIMIT);
        assertThat(rowsRead(analyzed)).as("rows the probe read, measured by ANALYZE: %s", analyzed).isLessThan(100);
        assertThat(handlerReads(sql.keyOrderedCandidates(false))).as("rows the server's handlers read").isLessThan(100);
        assertThat(candidates()).as("the oldest row of hot, cold, the keyless row, warm")
                .containsExactly(firstPending, firstPending + 1, firstPending + 3, firstPending + 4);
    }

    /**
     * With as many pending rows as delivered ones, the optimizer reckons that walking the primary
     * key in id order finds the first pending rows soon; they come after the whole history.
     */
    @Test
    void theClaimsReadOnlyPendingRowsWhenTheBacklogIsAsLargeAsTheHistory() throws Exception {
        List<OutboxEvent> backlog = new ArrayList<>();
        for (int i = 0; i < DELIVERED; i++) {
            backlog.add(OutboxFixture.event("key-" + (i % 200)));
        }
        outbox.publishCommitted(backlog);
        analyzeTable();

        JsonNode claim = plan("ANALYZE FORMAT=JSON", sql.lock(), LIMIT);
        assertThat(accesses(claim)).singleElement()
                .satisfies(access -> assertUses(access, "orders_outbox_status_idx", "status"));
        assertThat(rowsRead(claim)).as("rows the claim read: %s", claim).isLessThan(2 * LIMIT);
        JsonNode keyOrdered = plan("ANALYZE FORMAT=JSON", sql.keyOrderedCandidates(false), WINDOW, LIMIT);
        assertThat(window(keyOrdered).path("r_rows").asDouble()).as("the window's rows").isLessThan(2 * WINDOW);
    }

    @Test
    void theClaimTheKeyOrderProbeAndTheReaperGoByTheirStatusIndexes() throws Exception {
        List<OutboxEvent> backlog = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            backlog.add(OutboxFixture.event("key-" + (i % 200)));
        }
        outbox.publishCommitted(backlog);
        outbox.store.claim("crashed-relay", 20, Duration.ofMillis(1));
        outbox.execute("UPDATE orders_outbox SET attempts = 1, next_attempt_at = " + outbox.sql.nowPlus(Duration.ofHours(1))
                + " WHERE status = 'pending' ORDER BY id LIMIT 10");
        analyzeTable();

        assertThat(accesses(plan("EXPLAIN FORMAT=JSON", sql.lock(), LIMIT))).singleElement()
                .satisfies(access -> assertUses(access, "orders_outbox_status_idx", "status"));
        JsonNode keyOrderedPlan = plan("EXPLAIN FORMAT=JSON", sql.keyOrderedCandidates(false), WINDOW, LIMIT);
        window(keyOrderedPlan);
        List<JsonNode> keyOrdered = accesses(keyOrderedPlan);
        List<JsonNode> probes = keyOrdered.stream().filter(access -> access.path("table_name").asText().equals("p"))
                .toList();
        assertThat(probes).as("one probe per undelivered state").hasSize(2)
                .allSatisfy(probe -> assertThat(usedKeyParts(probe)).as("never the key alone").contains("status"))
                .anySatisfy(probe -> assertUses(probe, "orders_outbox_key_order_idx", "event_key", "status"));
        // the key-holding types bound as an empty JSON array: MariaDB's JSON plan quotes the bound text unescaped
        JsonNode holdingPlan = plan("EXPLAIN FORMAT=JSON", sql.keyOrderedCandidates(true), WINDOW, "[]", LIMIT);
        window(holdingPlan);
        assertThat(accesses(holdingPlan)).filteredOn(access -> access.path("table_name").asText().equals("h"))
                .as("the held-key probe reads the key's dead rows only").singleElement()
                .satisfies(probe -> assertUses(probe, "orders_outbox_key_order_idx", "event_key", "status"));
        assertThat(accesses(plan("EXPLAIN FORMAT=JSON", sql.expiredLeases(), LIMIT))).singleElement()
                .satisfies(access -> assertUses(access, "orders_outbox_status_idx", "status"));
        assertThat(accesses(plan("EXPLAIN FORMAT=JSON", sql.anyRetryWaiting()))).singleElement()
                .satisfies(access -> assertUses(access, "orders_outbox_retry_idx", "status", "next_attempt_at"));
    }

    @Test
    void statementsThatNameRowsByIdGoByThePrimaryKey() throws Exception {
        outbox.publishCommitted(1_000);
        long firstPending = firstPending();
        analyzeTable();
        List<IntFunction<String>> byIds = List.of(sql::lockDueByIds, sql::lease, sql::rowsByIds,
                count -> sql.markPublished(count, true), count -> sql.markPublished(count, false),
                count -> sql.deletePublished(count, true), count -> sql.deletePublished(count, false),
                sql::reclaim, sql::release, sql::renew, sql::deleteByIds);
        List<String> statements = new ArrayList<>();
        for (IntFunction<String> statement : byIds) {
            statements.add(statement.apply(3));
        }
        statements.addAll(List.of(sql.markFailed(), sql.markLockedFailed(), sql.markDead()));
        for (String statement : statements) {
            assertThat(accesses(plan("EXPLAIN FORMAT=JSON", statement, backlogIds(statement, firstPending))))
                    .as(statement).singleElement().satisfies(access -> assertThat(access.path("key").asText())
                            .as(statement).isEqualTo("PRIMARY"));
        }
    }

    /** A distinct id of the backlog for each parameter: whatever a parameter means, the plan is for those rows. */
    private static Object[] backlogIds(String statement, long firstId) {
        int parameters = (int) statement.chars().filter(c -> c == '?').count();
        Object[] values = new Object[parameters];
        for (int i = 0; i < parameters; i++) {
            values[i] = firstId + i;
        }
        return values;
    }

    private static long firstPending() throws SQLException {
        return outbox.queryLong("SELECT min(id) FROM orders_outbox WHERE status = 'pending'");
    }

    private static void assertUses(JsonNode access, String index, String... keyParts) {
        assertThat(access.path("key").asText()).as(access.toString()).isEqualTo(index);
        assertThat(usedKeyParts(access)).as(access.toString()).containsExactly(keyParts);
    }

    private static List<String> usedKeyParts(JsonNode access) {
        List<String> parts = new ArrayList<>();
        access.path("used_key_parts").forEach(part -> parts.add(part.asText()));
        return parts;
    }

    private static JsonNode plan(String explain, String statement, Object... parameters) throws Exception {
        return JSON.readTree(outbox.explain(explain, null, statement, parameters));
    }

    /**
     * The key-ordered claim's window: of its reads of the table itself (not the per-key probes),
     * every one goes by an index led by the status (the window, and the "any sending / any
     * waiting for a retry" checks read once per statement), never the primary key, and exactly
     * one reads the status index in id order: that one is returned.
     */
    private static JsonNode window(JsonNode plan) {
        List<JsonNode> onTable = accesses(plan).stream()
                .filter(access -> access.path("table_name").asText().equals("orders_outbox")).toList();
        assertThat(onTable).as("the statement's reads of the table: %s", plan).isNotEmpty()
                .allSatisfy(access -> assertThat(usedKeyParts(access)).as("led by the status").first().isEqualTo("status"));
        List<JsonNode> inIdOrder = onTable.stream()
                .filter(access -> access.path("key").asText().equals("orders_outbox_status_idx")
                        && usedKeyParts(access).contains("id"))
                .toList();
        assertThat(inIdOrder).as("the window, read from the status index in id order: %s", plan).hasSize(1);
        return inIdOrder.get(0);
    }

    /** Every table access in a JSON plan, subqueries and derived tables included. */
    private static List<JsonNode> accesses(JsonNode plan) {
        List<JsonNode> found = new ArrayList<>();
        collect(plan, found);
        return found;
    }

    private static void collect(JsonNode node, List<JsonNode> found) {
        if (node.has("table_name") && node.has("access_type")) {
            found.add(node);
        }
        node.forEach(child -> collect(child, found));
    }

    /** Rows read by all table accesses of an {@code ANALYZE}: loops times rows per loop. */
    private static double rowsRead(JsonNode analyzed) {
        return accesses(analyzed).stream()
                .mapToDouble(access -> access.path("r_loops").asDouble() * access.path("r_rows").asDouble()).sum();
    }

    /** The session's {@code Handler_read_*} counters added up, before and after running the statement. */
    private static long handlerReads(String statement) throws SQLException {
        try (Connection connection = outbox.database.dataSource().getConnection()) {
            long before = handlerReads(connection);
            try (PreparedStatement query = connection.prepareStatement(statement)) {
                query.setInt(1, WINDOW);
                query.setInt(2, LIMIT);
                try (ResultSet rs = query.executeQuery()) {
                    while (rs.next()) {
                        rs.getLong(1);
                    }
                }
            }
            return handlerReads(connection) - before;
        }
    }

    private static long handlerReads(Connection connection) throws SQLException {
        long reads = 0;
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SHOW SESSION STATUS LIKE 'Handler_read%'")) {
            while (rs.next()) {
                reads += rs.getLong(2);
            }
        }
        return reads;
    }

    private static List<Long> candidates() throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection connection = outbox.database.dataSource().getConnection();
             PreparedStatement query = connection.prepareStatement(sql.keyOrderedCandidates(false))) {
            query.setInt(1, WINDOW);
            query.setInt(2, LIMIT);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    /** Fresh index statistics, as InnoDB gathers them on its own after enough changes. */
    private static void analyzeTable() throws SQLException {
        outbox.queryString("ANALYZE TABLE orders_outbox");
    }
}
