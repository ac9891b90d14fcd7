package dev.mailroom.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.relay.ClaimMode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The checker is checked: small scenarios run against deliberately broken variants, written in the
 * test sources (Mailroom's code is not changed), and the {@link HistoryChecker} must report the
 * violation each one causes.
 */
class CheckerMutationTest extends FaultScenario {

    private static final int EVENTS = 2_000;

    private EventProducer.Plan smallPlan() {
        return new EventProducer.Plan(EVENTS, 100, perSecond(), 0.05, 0);
    }

    @Test
    void aRelayAdvancingAnIdCursorLosesTheEventOfALateCommitAndTheCheckerReportsItLost() throws Exception {
        try (HeldTransaction held = HeldTransaction.open(database, publisher, history, "held-key");
             CursorRelay broken = new CursorRelay(database, broker, topic).start()) {
            producer(smallPlan()).awaitDone();
            awaitEveryCommittedEventDelivered(Duration.ofSeconds(60));
            held.commit();
            try (HeldTransaction after = HeldTransaction.open(database, publisher, history, "key-after-held")) {
                after.commit();
            }
            org.awaitility.Awaitility.await("the event committed after the held one delivered")
                    .atMost(Duration.ofSeconds(30)).until(() -> history.committedDelivered() == history.committed() - 1);

            FaultReport report = finish("mutant: relay advancing an id cursor, with a transaction held open");
            assertThat(report.lost()).isEqualTo(1);
            assertThat(report.lostSample()).containsExactly(held.eventId());
            assertThat(report.recoveryMillis()).isEqualTo(-1);
            assertThat(report.inversions()).isZero();
            assertThat(report.safe()).isFalse();
        }
    }

    @Test
    void aConsumerWithoutInboxDedupeKilledBetweenItsCommitsAppliesEventsTwiceAndTheCheckerReportsIt()
            throws Exception {
        FaultEffects.createTable(database);
        relay("relay", ClaimMode.ROW_LOCK, Duration.ofSeconds(3));
        ChildJvm consumer = child("broken-consumer-1", BrokenConsumerMain.class, database.jdbcUrl(), "true");
        EventProducer producer = producer(smallPlan());
        consumer.awaitMarker("@BETWEEN_COMMITS", Duration.ofSeconds(60));
        fault("SIGKILL of the consumer between its effects commit and its offset commit");
        consumer.kill();
        child("broken-consumer-2", BrokenConsumerMain.class, database.jdbcUrl(), "false");
        producer.awaitDone();
        awaitEveryCommittedEventDelivered(Duration.ofSeconds(60));
        awaitEveryEffectApplied(Duration.ofSeconds(60));
        history.effects(FaultEffects.read(database));

        FaultReport report = finish("mutant: consumer without inbox dedupe, killed between its commits");
        assertThat(report.doubleEffects()).isPositive();
        assertThat(report.safe()).isFalse();
    }

    /**
     * Scenario b with the fence removed: a LEASE relay claims rows and pauses past its lease, while a
     * real relay takes the rows over and delivers everything; when the paused relay wakes it sends
     * its batch (duplicates, which the inbox absorbs, as in b) and settles it without the owner or
     * state fence: every row it had claimed, published by the other relay meanwhile, is rewritten.
     * Scenario b's check (no row may change after the paused relay wakes) reports it; in b, where
     * the real relay wakes, no row changes.
     */
    @Test
    void aLeaseRelayWhoseSettlementIsNotFencedRewritesRowsAnotherRelayPublishedAndTheRowCheckReportsIt()
            throws Exception {
        Duration lease = Duration.ofSeconds(3);
        OutboxRows rows = new OutboxRows(database);
        producer(smallPlan()).awaitDone();
        try (UnfencedLeaseRelay broken = new UnfencedLeaseRelay(database, broker, topic)) {
            int claimed = broken.claim(500, lease);
            assertThat(claimed).as("rows the unfenced relay claimed").isEqualTo(500);
            fault("pause of an unfenced LEASE relay holding leases, past them");
            relay("taking-over-relay", ClaimMode.LEASE, lease);
            faultsEnded();
            awaitEveryCommittedEventDelivered(lease.plusSeconds(60));
            assertThat(rows.leasedTo(UnfencedLeaseRelay.OWNER)).as("none of its leases survived").isZero();
            Map<Long, String> settled = rows.states();

            fault("wake-up of the unfenced relay");
            assertThat(broken.sendAndSettle()).as("rows its late settlement changed").isEqualTo(claimed);
            Map<Long, String> after = rows.states();
            long changed = settled.keySet().stream().filter(id -> !settled.get(id).equals(after.get(id))).count();
            assertThat(changed).as("rows changed after the paused relay woke").isEqualTo(claimed);

            FaultReport report = finish("mutant: LEASE relay settling without the lease-owner fence, paused past its lease");
            assertThat(report.duplicates()).as("its late sends").isGreaterThanOrEqualTo(claimed);
            assertThat(report.lost()).isZero();
        }
    }
}
