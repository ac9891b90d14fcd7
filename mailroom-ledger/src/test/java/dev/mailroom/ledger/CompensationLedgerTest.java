package dev.mailroom.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@WithPostgres
class CompensationLedgerTest {

    private static final RetryPolicy FAST = RetryPolicy.builder().initialDelay(Duration.ofMillis(1))
            .maxDelay(Duration.ofMillis(5)).maxAttempts(3).build();

    private final TestDatabase database;
    private final Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();

    CompensationLedgerTest(TestDatabase database) {
        this.database = database;
    }

    @BeforeEach
    void emptyLedger() throws SQLException {
        CompensationLedger.builder(database.dataSource()).build().migrate();
        execute("TRUNCATE mailroom_ledger, mailroom_ledger_audit RESTART IDENTITY");
        runs.clear();
    }

    private CompensationLedger.Builder ledger() {
        return CompensationLedger.builder(database.dataSource()).retryPolicy(FAST).idleWait(Duration.ofMillis(20))
                .lease(Duration.ofSeconds(30));
    }

    private ItemExecutor counting(ItemExecutor then) {
        return item -> {
            runs.computeIfAbsent(item.id(), id -> new AtomicInteger()).incrementAndGet();
            then.execute(item);
        };
    }

    private List<Long> record(CompensationLedger ledger, String batch, String operation, int count) throws SQLException {
        List<FailedItem> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add(new FailedItem(batch, operation, i, "{\"item\":" + i + "}", "first failure of " + i));
        }
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            List<Long> ids = ledger.recordAll(connection, items, "importer");
            connection.commit();
            return ids;
        }
    }

    @Test
    void anItemFailingEveryTimeNeedsAnOperatorAfterExactlyMaxAttemptsAndIsNeverRunAgain() throws Exception {
        CompensationLedger ledger = ledger()
                .executor("price.import", counting(item -> {
                    throw new IllegalStateException("supplier down");
                })).build();
        long id = record(ledger, "b1", "price.import", 1).get(0);
        try (LedgerWorker worker = ledger.startWorker("worker-1")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> ledger.find(id).orElseThrow().state()
                    == LedgerState.MANUAL_REQUIRED);
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                    .until(() -> runs.get(id).get() == FAST.maxAttempts());
        }
        LedgerItem item = ledger.find(id).orElseThrow();
        assertThat(item.attempts()).isEqualTo(FAST.maxAttempts());
        assertThat(item.failureReason()).startsWith("first failure of 0").contains("supplier down");
        assertThat(item.leaseOwner()).isNull();
    }

    @Test
    void twoWorkersNeverRunTheSameItemAtOnceAndEveryItemEndsFinalOrManual() throws Exception {
        Set<Long> inProgress = ConcurrentHashMap.newKeySet();
        List<String> overlaps = java.util.Collections.synchronizedList(new ArrayList<>());
        CompensationLedger ledger = ledger().batchSize(20).executor("settle", counting(item -> {
            if (!inProgress.add(item.id())) {
                overlaps.add("item " + item.id() + " ran twice at once");
            }
            try {
                if (item.itemIndex() % 10 == 0) {
                    throw new IllegalStateException("invoice locked");
                }
            } finally {
                inProgress.remove(item.id());
            }
        })).build();
        List<Long> ids = record(ledger, "settlement", "settle", 1000);
        try (LedgerWorker first = ledger.startWorker("worker-a"); LedgerWorker second = ledger.startWorker("worker-b")) {
            await().atMost(Duration.ofMinutes(2)).until(() ->
                    count("SELECT count(*) FROM mailroom_ledger WHERE status IN ('resolved', 'manual_required')") == 1000);
        }
        assertThat(overlaps).isEmpty();
        assertThat(count("SELECT count(*) FROM mailroom_ledger WHERE status = 'manual_required'")).isEqualTo(100);
        for (int i = 0; i < ids.size(); i++) {
            assertThat(runs.get(ids.get(i))).as("item " + i).hasValue(i % 10 == 0 ? FAST.maxAttempts() : 1);
        }
        assertThat(count("SELECT count(DISTINCT actor) FROM mailroom_ledger_audit")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void anItemWhoseWorkerDiedIsRetriedAfterItsLeaseExpiresCountingTheLostRunOnce() throws Exception {
        CompensationLedger ledger = ledger().executor("price.import", counting(item -> { })).build();
        long id = record(ledger, "b2", "price.import", 1).get(0);
        LedgerStore store = new LedgerStore(database.dataSource(), SqlDialect.postgresql(),
                dev.mailroom.routing.TableName.of("mailroom_ledger"),
                new PostgresLedgerSql(dev.mailroom.routing.TableName.of("mailroom_ledger"),
                        dev.mailroom.routing.TableName.of("mailroom_ledger_audit")));
        assertThat(store.claimDue("killed-worker", Duration.ofMillis(200), 10)).hasSize(1);
        try (LedgerWorker survivor = ledger.startWorker("survivor")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> ledger.find(id).orElseThrow().state() == LedgerState.RESOLVED);
        }
        LedgerItem item = ledger.find(id).orElseThrow();
        assertThat(item.attempts()).as("the lost run counts once").isEqualTo(1);
        assertThat(item.failureReason()).contains("lease of killed-worker expired");
        assertThat(runs.get(id)).hasValue(1);
        assertThat(ledger.auditTrail(id)).extracting(AuditEntry::to)
                .containsExactly(LedgerState.PENDING, LedgerState.RETRYING, LedgerState.RESOLVED);
    }

    @Test
    void staleVersionsAreRefusedAndTheAuditTrailListsEveryChangeInOrder() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CompensationLedger ledger = ledger().meterRegistry(meters).executor("refund", item -> {
            throw new IllegalStateException("bank offline");
        }).build();
        List<Long> ids = record(ledger, "b3", "refund", 2);
        assertThat(ledger.processBatch("b3").stillRetrying()).isEqualTo(2);
        long first = ids.get(0);
        long version = ledger.find(first).orElseThrow().version();
        assertThat(version).isEqualTo(1);

        assertThat(ledger.retryNow(first, version, "olga", "try again please")).isEqualTo(LedgerState.PENDING);
        assertThatThrownBy(() -> ledger.resolve(first, version, "olga", "stale"))
                .isInstanceOf(StaleVersionException.class)
                .satisfies(e -> assertThat(((StaleVersionException) e).actualVersion()).isEqualTo(version + 1));
        assertThatThrownBy(() -> ledger.abandon(first, version, "olga", "stale")).isInstanceOf(StaleVersionException.class);
        assertThat(ledger.find(first).orElseThrow().state()).isEqualTo(LedgerState.PENDING);
        assertThat(ledger.find(first).orElseThrow().attempts()).as("retry now keeps attempts").isEqualTo(1);

        assertThat(ledger.resolve(first, version + 1, "olga", "refunded by hand")).isEqualTo(LedgerState.RESOLVED);
        LedgerItem resolved = ledger.find(first).orElseThrow();
        assertThat(resolved.resolvedBy()).isEqualTo("olga");
        assertThat(resolved.resolutionNotes()).isEqualTo("refunded by hand");
        assertThat(resolved.resolvedAt()).isNotNull();
        assertThatThrownBy(() -> ledger.abandon(first, resolved.version(), "olga", "too late"))
                .isInstanceOf(IllegalLedgerTransitionException.class);
        assertThatThrownBy(() -> ledger.retryNow(ids.get(1), 0, "olga", "pending is not retryable"))
                .isInstanceOf(StaleVersionException.class);

        List<AuditEntry> trail = ledger.auditTrail(first);
        assertThat(trail).extracting(AuditEntry::actor).containsExactly("importer", "system", "olga", "olga");
        assertThat(trail).extracting(AuditEntry::to).containsExactly(LedgerState.PENDING, LedgerState.RETRYING,
                LedgerState.PENDING, LedgerState.RESOLVED);
        assertThat(trail).extracting(AuditEntry::from).containsExactly(null, LedgerState.PENDING, LedgerState.RETRYING,
                LedgerState.PENDING);
        assertThat(trail).extracting(AuditEntry::version).containsExactly(0L, 1L, 2L, 3L);
        assertThat(trail).extracting(AuditEntry::notes).containsExactly("recorded", "attempt failed",
                "try again please", "refunded by hand");

        long second = ids.get(1);
        assertThat(ledger.abandon(second, 1, "olga", "customer left")).isEqualTo(LedgerState.ABANDONED);
        assertThat(meters.get("mailroom.ledger.abandoned").tag("operation.type", "refund").counter().count())
                .isEqualTo(1.0);
        assertThatThrownBy(() -> ledger.resolve(999_999, 0, "olga", "x")).isInstanceOf(LedgerItemNotFoundException.class);
    }

    @Test
    void processBatchRetriesOneBatchNowAndCountsEachOutcome() throws Exception {
        CompensationLedger ledger = ledger()
                .executor("ok-op", counting(item -> { }))
                .executor("failing-op", counting(item -> {
                    throw new IllegalStateException("still broken");
                })).build();
        record(ledger, "mixed", "ok-op", 2);
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            ledger.recordAll(connection, List.of(
                    new FailedItem("mixed", "failing-op", 2, "{}", "x"),
                    new FailedItem("mixed", "failing-op", 3, "{}", "x"),
                    new FailedItem("mixed", "unknown-op", 4, "{}", "x"),
                    new FailedItem("other", "ok-op", 0, "{}", "x")), null);
            connection.commit();
        }
        assertThat(ledger.processBatch("mixed")).isEqualTo(new BatchResult(5, 2, 2, 1, 0));
        assertThat(ledger.list(LedgerFilter.batch("other"))).extracting(LedgerItem::state)
                .containsExactly(LedgerState.PENDING);
        assertThat(ledger.list(LedgerFilter.state(LedgerState.MANUAL_REQUIRED))).singleElement()
                .satisfies(item -> assertThat(item.failureReason()).contains("no executor registered for operation type 'unknown-op'"));
        assertThat(ledger.list(LedgerFilter.operationType("failing-op"))).extracting(LedgerItem::state)
                .containsOnly(LedgerState.RETRYING);
    }

    @Test
    void badInputGetsItsSpecificErrorAndWritesNothing() throws Exception {
        CompensationLedger ledger = ledger().build();
        Map<InvalidLedgerItemException.Problem, FailedItem> bad = Map.of(
                InvalidLedgerItemException.Problem.BLANK_BATCH_ID, new FailedItem(" ", "op", 0, "{}", "r"),
                InvalidLedgerItemException.Problem.BLANK_OPERATION_TYPE, new FailedItem("b", "", 0, "{}", "r"),
                InvalidLedgerItemException.Problem.PAYLOAD_NOT_JSON, new FailedItem("b", "op", 0, "{oops", "r"),
                InvalidLedgerItemException.Problem.NEGATIVE_ITEM_INDEX, new FailedItem("b", "op", -1, "{}", "r"));
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            bad.forEach((problem, item) -> assertThatThrownBy(() -> ledger.recordAll(connection,
                    List.of(new FailedItem("b", "op", 0, "{}", "fine"), item), null))
                    .isInstanceOf(InvalidLedgerItemException.class)
                    .satisfies(e -> assertThat(((InvalidLedgerItemException) e).problem()).isEqualTo(problem)));
            connection.commit();
        }
        assertThat(count("SELECT count(*) FROM mailroom_ledger")).isZero();

        long id = record(ledger, "b4", "op", 1).get(0);
        assertThatThrownBy(() -> ledger.resolve(id, 0, "olga", "n".repeat(LedgerInput.MAX_NOTES_LENGTH + 1)))
                .isInstanceOf(InvalidLedgerItemException.class)
                .satisfies(e -> assertThat(((InvalidLedgerItemException) e).problem())
                        .isEqualTo(InvalidLedgerItemException.Problem.NOTES_TOO_LONG));
        assertThatThrownBy(() -> ledger.abandon(id, 0, " ", "x")).isInstanceOf(InvalidLedgerItemException.class);
        assertThat(ledger.find(id).orElseThrow().version()).isZero();
        assertThat(ledger.auditTrail(id)).hasSize(1);
    }

    private long count(String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             ResultSet rs = connection.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection()) {
            connection.createStatement().execute(sql);
        }
    }
}
