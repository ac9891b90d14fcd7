package dev.mailroom.ledger;

import static dev.mailroom.ledger.LedgerFixture.failing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

abstract class ProcessBatchContract extends EmptyLedgerContract {

    @Test
    void aBatchWithMixedOutcomesIsCountedByOutcome() throws Exception {
        CompensationLedger ledger = fixture.ledger()
                .executor("ok-op", fixture.counting(item -> { }))
                .executor("failing-op", fixture.counting(failing("still broken")))
                .build();
        fixture.recordCommitted(ledger, List.of(
                new FailedItem("mixed", "ok-op", 0, "{}", "x"),
                new FailedItem("mixed", "ok-op", 1, "{}", "x"),
                new FailedItem("mixed", "failing-op", 2, "{}", "x"),
                new FailedItem("mixed", "failing-op", 3, "{}", "x"),
                new FailedItem("mixed", "unknown-op", 4, "{}", "x"),
                new FailedItem("other", "ok-op", 0, "{}", "x")));
        long lastChance = fixture.recordCommitted(ledger,
                List.of(new FailedItem("mixed", "failing-op", 5, "{}", "x"))).get(0);
        fixture.execute("UPDATE mailroom_ledger SET attempts = 2, status = 'retrying' WHERE id = " + lastChance);

        assertThat(ledger.processBatch("mixed")).isEqualTo(new BatchResult(6, 2, 2, 2, 0));

        assertThat(ledger.list(LedgerFilter.batch("other"))).extracting(LedgerItem::state)
                .containsExactly(LedgerState.PENDING);
        assertThat(ledger.list(LedgerFilter.batch("mixed"))).extracting(LedgerItem::state).containsExactly(
                LedgerState.RESOLVED, LedgerState.RESOLVED, LedgerState.RETRYING, LedgerState.RETRYING,
                LedgerState.MANUAL_REQUIRED, LedgerState.MANUAL_REQUIRED);
        assertThat(ledger.processBatch("mixed")).as("only the retrying items are open now")
                .isEqualTo(new BatchResult(2, 0, 2, 0, 0));
    }

    @Test
    void aBatchLargerThanOneClaimRunsEachItemOnce() throws Exception {
        CompensationLedger ledger = fixture.ledger().batchSize(2)
                .executor("op", fixture.counting(failing("down"))).build();
        List<Long> ids = fixture.record(ledger, "big", "op", 5);

        assertThat(ledger.processBatch("big")).isEqualTo(new BatchResult(5, 0, 5, 0, 0));
        assertThat(ids).allSatisfy(id -> assertThat(fixture.runsOf(id)).isEqualTo(1));
    }

    @Test
    void itemsAnotherWorkerHoldsAreLeftToIt() throws Exception {
        CompensationLedger ledger = fixture.ledger().batchSize(1).executor("op", fixture.counting(item -> { })).build();
        List<Long> ids = fixture.record(ledger, "held", "op", 3);
        fixture.execute("UPDATE mailroom_ledger SET lease_owner = 'worker-z', lease_expires_at = "
                + fixture.sql.anHourFromNow() + " WHERE id = " + ids.get(1));

        assertThat(ledger.processBatch("held")).isEqualTo(new BatchResult(2, 2, 0, 0, 0));
        assertThat(fixture.runsOf(ids.get(1))).isZero();
        assertThat(fixture.find(ledger, ids.get(1)).leaseOwner()).isEqualTo("worker-z");
    }

    @Test
    void anItemAnOperatorChangedWhileItRanIsCountedAsFailedToUpdate() throws Exception {
        CompensationLedger[] self = new CompensationLedger[1];
        CompensationLedger ledger = fixture.ledger().executor("op", item ->
                self[0].abandon(item.id(), item.version(), "olga", "gave up meanwhile")).build();
        self[0] = ledger;
        long id = fixture.record(ledger, "raced", "op", 1).get(0);

        assertThat(ledger.processBatch("raced")).isEqualTo(new BatchResult(1, 0, 0, 0, 1));
        assertThat(fixture.find(ledger, id).state()).isEqualTo(LedgerState.ABANDONED);
        assertThat(fixture.find(ledger, id).resolvedBy()).isEqualTo("olga");
    }

    @Test
    void aBlankBatchIdIsRefused() {
        CompensationLedger ledger = fixture.ledger().lease(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> ledger.processBatch(" "))
                .isInstanceOfSatisfying(InvalidLedgerItemException.class,
                        e -> assertThat(e.problem()).isEqualTo(InvalidLedgerItemException.Problem.BLANK_BATCH_ID));
    }
}
