package dev.mailroom.ledger;

import static dev.mailroom.ledger.InvalidLedgerItemException.Problem.BLANK_BATCH_ID;
import static dev.mailroom.ledger.InvalidLedgerItemException.Problem.BLANK_OPERATION_TYPE;
import static dev.mailroom.ledger.InvalidLedgerItemException.Problem.NEGATIVE_ITEM_INDEX;
import static dev.mailroom.ledger.InvalidLedgerItemException.Problem.NUL_CHARACTER;
import static dev.mailroom.ledger.InvalidLedgerItemException.Problem.PAYLOAD_NOT_JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@WithPostgres
class RecordTest {

    private final LedgerFixture fixture;
    private CompensationLedger ledger;

    RecordTest(TestDatabase database) {
        this.fixture = new LedgerFixture(database);
    }

    @BeforeEach
    void emptyLedger() throws SQLException {
        fixture.reset();
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
        Map<String, InvalidLedgerItemException.Problem> expected = Map.of("blank batch id", BLANK_BATCH_ID,
                "null batch id", BLANK_BATCH_ID, "blank operation type", BLANK_OPERATION_TYPE,
                "negative index", NEGATIVE_ITEM_INDEX, "NUL in batch id", NUL_CHARACTER);

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
        assertThat(statements).hasValue(3);
        assertThat(ids).hasSize(1200).isSorted();
        LedgerItem item = fixture.find(ledger, ids.get(777));
        assertThat(item.itemIndex()).isEqualTo(777);
        assertThat(item.payloadJson()).isEqualTo("{\"i\": 777}");
        assertThat(item.createdBy()).isEqualTo("importer");
        assertThat(item.maxAttempts()).isEqualTo(LedgerFixture.FAST.maxAttempts());
        assertThat(fixture.count("SELECT count(*) FROM mailroom_ledger_audit WHERE actor = 'importer'")).isEqualTo(1200);
    }

    @Test
    void thePayloadComesBackWithTheSameValues() throws Exception {
        String payload = "{\"sku\":\"A-1\",\"price\":12.50,\"tags\":[\"é\",\"\\ud83d\\ude00\"],\"big\":123456789012345678901234567890}";
        long id = fixture.recordCommitted(ledger, List.of(new FailedItem("b", "op", 0, payload, "r"))).get(0);
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(fixture.find(ledger, id).payloadJson())).isEqualTo(json.readTree(payload));
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
