package dev.mailroom.ledger;

import static dev.mailroom.ledger.LedgerFixture.AWAIT;
import static dev.mailroom.ledger.LedgerFixture.FAST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

abstract class LeaseContract extends EmptyLedgerContract {

    @Test
    void anItemWhoseWorkerDiedIsRetriedAfterItsLeaseExpiresCountingTheLostRunOnce() throws Exception {
        CompensationLedger ledger = fixture.ledger().executor("price.import", fixture.counting(item -> { })).build();
        long id = fixture.record(ledger, "b1", "price.import", 1).get(0);
        List<LedgerItem> claimed = fixture.store.claimDue("killed-worker", Duration.ofMillis(300), 10);
        assertThat(claimed).extracting(LedgerItem::id).containsExactly(id);
        // killed-worker never finishes: its lease is not released.

        try (LedgerWorker survivor = ledger.startWorker("survivor")) {
            assertThat(survivor.isRunning()).isTrue();
            await().atMost(AWAIT).until(() -> fixture.find(ledger, id).state() == LedgerState.RESOLVED);
        }
        LedgerItem item = fixture.find(ledger, id);
        assertThat(item.attempts()).as("the lost run counts once").isEqualTo(1);
        assertThat(item.failureReason()).endsWith("lease of killed-worker expired before its run was recorded");
        assertThat(fixture.runsOf(id)).isEqualTo(1);
        List<AuditEntry> trail = ledger.auditTrail(id);
        assertThat(trail).extracting(AuditEntry::to)
                .containsExactly(LedgerState.PENDING, LedgerState.RETRYING, LedgerState.RESOLVED);
        assertThat(trail.get(1).notes()).contains("lease of killed-worker expired");
        assertThat(trail.get(1).changedAt()).as("taken back only after the lease expired")
                .isAfterOrEqualTo(claimed.get(0).leaseExpiresAt());
    }

    @Test
    void aWorkerThatLostItsLeaseCannotRecordItsOutcomeEvenUnderTheSameOwnerId() throws Exception {
        CompensationLedger ledger = fixture.ledger().build();
        long id = fixture.record(ledger, "b2", "op", 1).get(0);
        LedgerItem lost = fixture.store.claimDue("worker-x", Duration.ofMillis(1), 10).get(0);
        await().atMost(AWAIT).until(() -> !fixture.store.reclaimExpired(10).isEmpty());
        LedgerItem reclaimedBySameOwner = fixture.store.claimDue("worker-x", Duration.ofSeconds(30), 10).get(0);

        assertThat(fixture.store.resolveLeased(lost, "worker-x", "late")).as("fenced on the claimed version").isEmpty();
        assertThat(fixture.store.failLeased(lost, "worker-x", "late", 1, "late")).isEmpty();
        assertThat(fixture.store.resolveLeased(reclaimedBySameOwner, "someone-else", "wrong owner")).isEmpty();
        assertThat(fixture.find(ledger, id).attempts()).isEqualTo(1);

        assertThat(fixture.store.resolveLeased(reclaimedBySameOwner, "worker-x", "done")).get()
                .extracting(LedgerStore.Moved::state).isEqualTo(LedgerState.RESOLVED);
    }

    @Test
    void itemsClaimedButNotStartedBeforeHalfTheLeaseHasPassedAreReleasedUnrunWithoutAnAttempt() throws Exception {
        AtomicLong clock = new AtomicLong();
        Duration lease = Duration.ofSeconds(10);
        ItemExecutor slow = fixture.counting(item -> clock.addAndGet(Duration.ofSeconds(6).toNanos()));
        ItemRuns runs = new ItemRuns(fixture.store, Map.of("op", slow), FAST, LedgerMetrics.NOOP, lease, clock::get);
        CompensationLedger ledger = fixture.ledger().build();
        List<Long> ids = fixture.record(ledger, "b3", "op", 3);

        List<LedgerItem> claimed = fixture.store.claimDue("worker-a", lease, 10);
        int released = runs.runClaimed(claimed, "worker-a", 0, () -> true, new ItemRuns.Tally());

        assertThat(released).isEqualTo(2);
        assertThat(fixture.runsOf(ids.get(0))).isEqualTo(1);
        assertThat(fixture.find(ledger, ids.get(0)).state()).isEqualTo(LedgerState.RESOLVED);
        for (long id : ids.subList(1, 3)) {
            LedgerItem item = fixture.find(ledger, id);
            assertThat(fixture.runsOf(id)).isZero();
            assertThat(item.state()).isEqualTo(LedgerState.PENDING);
            assertThat(item.leaseOwner()).isNull();
            assertThat(item.attempts()).isZero();
            assertThat(item.version()).as("a release is not a state change").isZero();
        }
        assertThat(fixture.store.claimDue("worker-b", lease, 10)).extracting(LedgerItem::id)
                .containsExactlyElementsOf(ids.subList(1, 3));
    }

    @Test
    void aStoppingWorkerReleasesTheItemsItHasNotStarted() throws Exception {
        CompensationLedger ledger = fixture.ledger().build();
        List<Long> ids = fixture.record(ledger, "b4", "op", 4);
        AtomicLong started = new AtomicLong();
        ItemRuns runs = new ItemRuns(fixture.store, Map.of("op", fixture.counting(item -> started.incrementAndGet())),
                FAST, LedgerMetrics.NOOP, LedgerFixture.LEASE, System::nanoTime);

        List<LedgerItem> claimed = fixture.store.claimDue("worker-a", LedgerFixture.LEASE, 10);
        int released = runs.runClaimed(claimed, "worker-a", System.nanoTime(), () -> started.get() < 1,
                new ItemRuns.Tally());

        assertThat(released).isEqualTo(3);
        assertThat(fixture.count("SELECT count(*) FROM mailroom_ledger WHERE lease_owner IS NOT NULL")).isZero();
        assertThat(fixture.count("SELECT count(*) FROM mailroom_ledger WHERE status = 'pending' AND attempts = 0"))
                .isEqualTo(3);
        assertThat(ids).hasSize(4);
    }
}
