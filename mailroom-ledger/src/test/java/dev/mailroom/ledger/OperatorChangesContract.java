package dev.mailroom.ledger;

import static dev.mailroom.ledger.LedgerFixture.failing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

abstract class OperatorChangesContract extends EmptyLedgerContract {

    private CompensationLedger ledger;

    @BeforeEach
    void buildLedger() {
        ledger = fixture.ledger().executor("refund", failing("bank offline")).build();
    }

    /** Two refund items of batch b, each failed once: retrying at version 1. */
    private List<Long> twoRetryingItems() throws SQLException {
        List<Long> ids = fixture.record(ledger, "b", "refund", 2);
        assertThat(ledger.processBatch("b").stillRetrying()).isEqualTo(2);
        return ids;
    }

    @Test
    void resolveAndAbandonWithAStaleVersionFailAndChangeNothing() throws Exception {
        long id = twoRetryingItems().get(0);
        assertThat(ledger.retryNow(id, 1, "olga", "bank is back")).isEqualTo(LedgerState.PENDING);
        LedgerItem before = fixture.find(ledger, id);
        int trailBefore = ledger.auditTrail(id).size();

        assertThatThrownBy(() -> ledger.resolve(id, 1, "olga", "refunded by hand"))
                .isInstanceOfSatisfying(StaleVersionException.class, e -> {
                    assertThat(e.expectedVersion()).isEqualTo(1);
                    assertThat(e.actualVersion()).isEqualTo(2);
                });
        assertThatThrownBy(() -> ledger.abandon(id, 1, "olga", "customer left"))
                .isInstanceOf(StaleVersionException.class);

        assertThat(fixture.find(ledger, id)).isEqualTo(before);
        assertThat(ledger.auditTrail(id)).hasSize(trailBefore);
    }

    @Test
    void theAuditTrailListsEveryChangeInOrder() throws Exception {
        long id = twoRetryingItems().get(0);
        ledger.retryNow(id, 1, "olga", "bank is back");
        ledger.resolve(id, 2, "piotr", "refunded by hand");

        List<AuditEntry> trail = ledger.auditTrail(id);
        assertThat(trail).extracting(AuditEntry::actor).containsExactly("importer", "system", "olga", "piotr");
        assertThat(trail).extracting(AuditEntry::from).containsExactly(null, LedgerState.PENDING,
                LedgerState.RETRYING, LedgerState.PENDING);
        assertThat(trail).extracting(AuditEntry::to).containsExactly(LedgerState.PENDING, LedgerState.RETRYING,
                LedgerState.PENDING, LedgerState.RESOLVED);
        assertThat(trail).extracting(AuditEntry::version).containsExactly(0L, 1L, 2L, 3L);
        assertThat(trail.get(0).notes()).isEqualTo("recorded");
        assertThat(trail.get(1).notes()).contains("attempt 1").contains("bank offline");
        assertThat(trail).extracting(AuditEntry::notes).endsWith("bank is back", "refunded by hand");
        assertThat(trail).extracting(AuditEntry::changedAt).isSorted();

        LedgerItem resolved = fixture.find(ledger, id);
        assertThat(resolved.resolvedBy()).isEqualTo("piotr");
        assertThat(resolved.resolutionNotes()).isEqualTo("refunded by hand");
        assertThat(resolved.resolvedAt()).isNotNull();
        assertThat(resolved.attempts()).as("retry now keeps attempts").isEqualTo(1);
    }

    @Test
    void finalStatesCannotBeLeftAndPendingItemsCannotBeRetriedNow() throws Exception {
        List<Long> ids = twoRetryingItems();
        ledger.abandon(ids.get(0), 1, "olga", "customer left");
        assertThatThrownBy(() -> ledger.resolve(ids.get(0), 2, "olga", "too late"))
                .isInstanceOfSatisfying(IllegalLedgerTransitionException.class,
                        e -> assertThat(e).hasMessageContaining("abandoned and cannot become resolved"));
        assertThatThrownBy(() -> ledger.retryNow(ids.get(0), 2, "olga", null))
                .isInstanceOf(IllegalLedgerTransitionException.class);

        ledger.retryNow(ids.get(1), 1, "olga", null);
        assertThatThrownBy(() -> ledger.retryNow(ids.get(1), 2, "olga", null))
                .isInstanceOf(IllegalLedgerTransitionException.class);
        assertThat(ledger.auditTrail(ids.get(0))).hasSize(3);
        assertThat(ledger.auditTrail(ids.get(1))).hasSize(3);
    }

    @Test
    void operatorChangesNeedWhoAndForResolveOrAbandonWhy() throws Exception {
        long id = twoRetryingItems().get(0);
        assertThatThrownBy(() -> ledger.resolve(id, 1, " ", "fixed"))
                .isInstanceOfSatisfying(InvalidLedgerItemException.class,
                        e -> assertThat(e.problem()).isEqualTo(InvalidLedgerItemException.Problem.BLANK_ACTOR));
        assertThatThrownBy(() -> ledger.abandon(id, 1, "olga", " "))
                .isInstanceOfSatisfying(InvalidLedgerItemException.class,
                        e -> assertThat(e.problem()).isEqualTo(InvalidLedgerItemException.Problem.BLANK_NOTES));
        assertThatThrownBy(() -> ledger.resolve(id, 1, "olga", "n".repeat(LedgerInput.MAX_NOTES_LENGTH + 1)))
                .isInstanceOfSatisfying(InvalidLedgerItemException.class,
                        e -> assertThat(e.problem()).isEqualTo(InvalidLedgerItemException.Problem.NOTES_TOO_LONG));
        assertThat(fixture.find(ledger, id).version()).isEqualTo(1);
        assertThat(ledger.auditTrail(id)).hasSize(2);
    }

    @Test
    void anUnknownItemIsReportedAsNotFound() {
        assertThatThrownBy(() -> ledger.resolve(999_999, 0, "olga", "x"))
                .isInstanceOf(LedgerItemNotFoundException.class);
    }

    @Test
    void twoOperatorsActingOnTheSameVersionAtOnceNeverBothWin() throws Exception {
        List<Long> ids = fixture.record(ledger, "race", "refund", 20);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (long id : ids) {
                CyclicBarrier start = new CyclicBarrier(2);
                CompletableFuture<Object> resolve = CompletableFuture.supplyAsync(() -> attempt(start,
                        () -> ledger.resolve(id, 0, "olga", "refunded")), pool);
                CompletableFuture<Object> abandon = CompletableFuture.supplyAsync(() -> attempt(start,
                        () -> ledger.abandon(id, 0, "piotr", "customer left")), pool);
                List<Object> outcomes = List.of(resolve.join(), abandon.join());
                assertThat(outcomes).filteredOn(LedgerState.class::isInstance).hasSize(1);
                assertThat(outcomes).filteredOn(StaleVersionException.class::isInstance).hasSize(1);
                assertThat(ledger.auditTrail(id)).hasSize(2);
                assertThat(fixture.find(ledger, id).version()).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static Object attempt(CyclicBarrier start, java.util.function.Supplier<LedgerState> change) {
        try {
            start.await();
            return change.get();
        } catch (StaleVersionException | IllegalLedgerTransitionException e) {
            return e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void operatorsListItemsByBatchStateAndOperationTypePageByPage() throws Exception {
        List<Long> ids = new ArrayList<>(twoRetryingItems());
        ids.addAll(fixture.record(ledger, "other", "refund", 3));
        ids.addAll(fixture.record(ledger, "other", "settle", 1));
        ledger.abandon(ids.get(0), 1, "olga", "customer left");

        assertThat(ledger.list(LedgerFilter.batch("b"))).extracting(LedgerItem::id).containsExactly(ids.get(0), ids.get(1));
        assertThat(ledger.list(LedgerFilter.state(LedgerState.RETRYING))).extracting(LedgerItem::id)
                .containsExactly(ids.get(1));
        assertThat(ledger.list(LedgerFilter.operationType("settle"))).extracting(LedgerItem::id)
                .containsExactly(ids.get(5));
        assertThat(ledger.list(LedgerFilter.batch("other").withState(LedgerState.PENDING).withOperationType("refund")))
                .extracting(LedgerItem::id).containsExactlyElementsOf(ids.subList(2, 5));
        LedgerFilter page = LedgerFilter.all().limit(4);
        List<LedgerItem> first = ledger.list(page);
        assertThat(first).extracting(LedgerItem::id).containsExactlyElementsOf(ids.subList(0, 4));
        assertThat(ledger.list(page.after(first.get(3).id()))).extracting(LedgerItem::id)
                .containsExactlyElementsOf(ids.subList(4, 6));
        assertThatThrownBy(() -> LedgerFilter.all().limit(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
