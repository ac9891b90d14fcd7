package dev.mailroom.ledger;

import static dev.mailroom.ledger.InvalidLedgerItemException.Problem.BLANK_BATCH_ID;
import static dev.mailroom.ledger.InvalidLedgerItemException.Problem.BLANK_OPERATION_TYPE;
import static dev.mailroom.ledger.InvalidLedgerItemException.Problem.NAME_TOO_LONG;
import static dev.mailroom.ledger.InvalidLedgerItemException.Problem.NEGATIVE_ITEM_INDEX;
import static dev.mailroom.ledger.InvalidLedgerItemException.Problem.NUL_CHARACTER;
import static dev.mailroom.ledger.InvalidLedgerItemException.Problem.PAYLOAD_NOT_JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

abstract class RecordContract extends EmptyLedgerContract {

    private CompensationLedger ledger;

    @BeforeEach
    void buildLedger() {
        ledger = fixture.ledger().build();
    }

    @Test
    void badInputGetsItsSpecificErrorWritesNothingAndLeavesTheTransactionUsable() throws Exception {
        Map<String, FailedItem> bad = new LinkedHashMap<>();
        bad.put("blank batch id", new FailedItem(" ", "op", 0, "{}", "r"));
        bad.put("null batch id", new FailedItem(null, "op", 0, "{}", "r"));
        bad.put("blank operation type", new FailedItem("b", "", 0, "{}", "r"));
        bad.put("negative index", new FailedItem("b", "op", -1, "{}", "r"));
        bad.put("NUL in batch id", new FailedItem("b\u0000", "op", 0, "{}", "r"));
        bad.put("broken JSON", new FailedItem("b", "op", 0, "{oops", "r"));
        bad.put("no payload", new FailedItem("b", "op", 0, null, "r"));
        bad.put("two values", new FailedItem("b", "op", 0, "{} {}", "r"));
        bad.put("duplicate keys", new FailedItem("b", "op", 0, "{\"a\":1,\"a\":2}", "r"));
        bad.put("escaped NUL", new FailedItem("b", "op", 0, "{\"a\":\"\\u0000\"}", "r"));
        bad.put("unpaired surrogate", new FailedItem("b", "op", 0, "[\"\\ud800\"]", "r"));
        bad.put("numeric overflow", new FailedItem("b", "op", 0, "{\"n\":1e1000000}", "r"));
        bad.put("nested too deep", new FailedItem("b", "op", 0, nested(LedgerJson.MAX_DEPTH + 1), "r"));
        bad.put("long batch id", new FailedItem("b".repeat(LedgerInput.MAX_NAME_LENGTH + 1), "op", 0, "{}", "r"));
        bad.put("long operation type", new FailedItem("b", "o".repeat(LedgerInput.MAX_NAME_LENGTH + 1), 0, "{}", "r"));
        Map<String, InvalidLedgerItemException.Problem> expected = Map.of("blank batch id", BLANK_BATCH_ID,
                "null batch id", BLANK_BATCH_ID, "blank operation type", BLANK_OPERATION_TYPE,
                "negative index", NEGATIVE_ITEM_INDEX, "NUL in batch id", NUL_CHARACTER,
                "long batch id", NAME_TOO_LONG, "long operation type", NAME_TOO_LONG);

        try (Connection connection = fixture.database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            bad.forEach((label, item) -> assertThatThrownBy(() -> ledger.recordAll(connection,
                    List.of(new FailedItem("b", "op", 0, "{}", "fine"), item), null))
                    .as(label)
                    .isInstanceOfSatisfying(InvalidLedgerItemException.class, e -> assertThat(e.problem())
                            .isEqualTo(expected.getOrDefault(label, PAYLOAD_NOT_JSON))));
            assertThat(fixture.count("SELECT count(*) FROM mailroom_ledger")).isZero();
            ledger.record(connection, "b", "op", 0, "{}", "the transaction still works");
            connection.commit();
        }
        assertThat(fixture.count("SELECT count(*) FROM mailroom_ledger")).isEqualTo(1);
        assertThat(fixture.count("SELECT count(*) FROM mailroom_ledger_audit")).isEqualTo(1);
    }

    @Test
    void recordJoinsTheCallersTransaction() throws Exception {
        try (Connection connection = fixture.database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            ledger.record(connection, "b", "op", 0, "{}", "rolled back");
            assertThat(fixture.count("SELECT count(*) FROM mailroom_ledger")).as("not committed by record").isZero();
            connection.rollback();
            long id = ledger.record(connection, "b", "op", 1, "{}", "committed");
            assertThat(connection.getAutoCommit()).isFalse();
            connection.commit();
            assertThat(ledger.list(LedgerFilter.batch("b"))).extracting(LedgerItem::id).containsExactly(id);
        }
        assertThat(fixture.count("SELECT count(*) FROM mailroom_ledger_audit")).isEqualTo(1);
    }

    @Test
    void withAutoCommitOnAnItemIsWrittenWithItsAuditRowAndAutoCommitStaysOn() throws Exception {
        long id;
        try (Connection connection = fixture.database.dataSource().getConnection()) {
            connection.setAutoCommit(true);
            id = ledger.record(connection, "b", "op", 0, "{}", "auto-committed");
            assertThat(connection.getAutoCommit()).isTrue();
        }
        assertThat(fixture.count("SELECT count(*) FROM mailroom_ledger")).isEqualTo(1);
        assertThat(ledger.auditTrail(id)).extracting(AuditEntry::notes).containsExactly("recorded");
    }

    @Test
    void itemsWithTheSameBatchAndIndexInOneCallGetTheirOwnIdsInOrder() throws Exception {
        List<FailedItem> items = List.of(new FailedItem("dup", "op", 3, "{\"n\":1}", "first"),
                new FailedItem("dup", "op", 3, "{\"n\":2}", "second"),
                new FailedItem("dup", "other", 3, "{\"n\":3}", "third"));
        fixture.recordCommitted(ledger, List.of(items.get(0)));
        List<Long> ids = fixture.recordCommitted(ledger, items);

        assertThat(ids).hasSize(3).doesNotHaveDuplicates();
        assertThat(ids).extracting(id -> fixture.find(ledger, id).failureReason())
                .containsExactly("first", "second", "third");
        assertThat(fixture.count("SELECT count(*) FROM mailroom_ledger_audit")).isEqualTo(4);
    }

    @Test
    void twoCallersRecordingTheSameItemsAtOnceEachGetTheIdsOfTheirOwnRows() throws Exception {
        int count = 1200;
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            Future<List<Long>> first = callers.submit(() -> recordAfter(start, "first", count));
            Future<List<Long>> second = callers.submit(() -> recordAfter(start, "second", count));
            List<Long> firstIds = first.get(1, TimeUnit.MINUTES);
            List<Long> secondIds = second.get(1, TimeUnit.MINUTES);

            assertThat(firstIds).hasSize(count).doesNotContainAnyElementsOf(secondIds);
            for (int i = 0; i < count; i += 97) {
                assertThat(fixture.find(ledger, firstIds.get(i))).extracting(LedgerItem::createdBy, LedgerItem::itemIndex)
                        .containsExactly("first", i);
                assertThat(fixture.find(ledger, secondIds.get(i))).extracting(LedgerItem::createdBy, LedgerItem::itemIndex)
                        .containsExactly("second", i);
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(fixture.count("SELECT count(*) FROM mailroom_ledger_audit a JOIN mailroom_ledger l ON l.id = a.item_id"
                + " WHERE a.actor = l.created_by AND a.notes = 'recorded'")).isEqualTo(2L * count);
    }

    /** Records {@code count} items of batch "same" as {@code caller} in one transaction, started with the other caller. */
    private List<Long> recordAfter(CyclicBarrier start, String caller, int count) throws Exception {
        List<FailedItem> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add(new FailedItem("same", "op", i, "{}", caller));
        }
        try (Connection connection = fixture.database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            start.await(30, TimeUnit.SECONDS);
            List<Long> ids = ledger.recordAll(connection, items, caller);
            connection.commit();
            return ids;
        }
    }

    @Test
    void recordAllWritesOneStatementPerFiveHundredItemsAndReturnsIdsInOrder() throws Exception {
        List<FailedItem> items = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            items.add(new FailedItem("bulk", "op", i, "{\"i\":" + i + "}", "r" + i));
        }
        AtomicInteger statements = new AtomicInteger();
        List<Long> ids;
        try (Connection connection = fixture.database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            ids = ledger.recordAll(counting(connection, statements), items, "importer");
            connection.commit();
        }
        assertThat(statements).as("per 500 items").hasValue(3 * fixture.sql.statementsPerRecordedChunk());
        assertThat(ids).hasSize(1200).isSorted();
        LedgerItem item = fixture.find(ledger, ids.get(777));
        assertThat(item.itemIndex()).isEqualTo(777);
        assertThat(new ObjectMapper().readTree(item.payloadJson())).isEqualTo(new ObjectMapper().readTree("{\"i\":777}"));
        assertThat(item.createdBy()).isEqualTo("importer");
        assertThat(item.maxAttempts()).isEqualTo(LedgerFixture.FAST.maxAttempts());
        assertThat(fixture.count("SELECT count(*) FROM mailroom_ledger_audit WHERE actor = 'importer'")).isEqualTo(1200);
    }

    @Test
    void thePayloadComesBackWithTheSameValues() throws Exception {
        String payload = "{\"sku\":\"A-1\",\"price\":12.50,\"tags\":[\"é\",\"\\ud83d\\ude00\",\"\uD83D\uDE00\"],"
                + "\"big\":123456789012345678901234567890,\"deep\":" + nested(LedgerJson.MAX_DEPTH - 1) + "}";
        String longNames = "n".repeat(LedgerInput.MAX_NAME_LENGTH);
        long id = fixture.recordCommitted(ledger, List.of(new FailedItem(longNames, longNames, 0, payload, "r"))).get(0);
        ObjectMapper json = new ObjectMapper();
        LedgerItem item = fixture.find(ledger, id);
        assertThat(json.readTree(item.payloadJson())).isEqualTo(json.readTree(payload));
        assertThat(item.batchId()).isEqualTo(longNames);
        assertThat(item.operationType()).isEqualTo(longNames);
    }

    /** An array holding arrays {@code depth} levels deep. */
    private static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    @Test
    void failureReasonsAccumulateNewestLastAndStayBounded() throws Exception {
        CompensationLedger failing = fixture.ledger().retryPolicy(dev.mailroom.retry.RetryPolicy.builder()
                        .initialDelay(java.time.Duration.ofMillis(1)).maxAttempts(10).build())
                .executor("op", item -> {
                    throw new IllegalStateException("x".repeat(1500) + " attempt " + (item.attempts() + 1));
                }).build();
        long id = fixture.recordCommitted(failing, List.of(new FailedItem("b", "op", 0, "{}", "y".repeat(5000)))).get(0);
        assertThat(fixture.find(failing, id).failureReason()).hasSize(LedgerInput.MAX_REASON_ENTRY_LENGTH);
        for (int attempt = 1; attempt <= 6; attempt++) {
            failing.processBatch("b");
        }
        String reason = fixture.find(failing, id).failureReason();
        assertThat(reason).hasSize(LedgerInput.MAX_REASON_LENGTH).doesNotContain("y").endsWith("...");
        assertThat(reason.lastIndexOf("attempt 6 (batch-")).isGreaterThan(reason.lastIndexOf("attempt 5 (batch-"))
                .isGreaterThan(0);
        assertThat(fixture.find(failing, id).attempts()).isEqualTo(6);
    }

    private static Connection counting(Connection connection, AtomicInteger statements) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().startsWith("prepare")) {
                        statements.incrementAndGet();
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
