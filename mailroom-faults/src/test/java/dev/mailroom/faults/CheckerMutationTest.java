package dev.mailroom.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.relay.ClaimMode;
import java.time.Duration;
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
}
