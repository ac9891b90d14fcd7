package dev.mailroom.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.relay.ClaimMode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Scenario g: Mailroom's inbox consumer in a child JVM, draining a backlog in batches of 100,
 * SIGKILLed at named points, several times at each: between its inbox commit and its Kafka offset
 * commit, then after its offset commit; and once more at a random moment; restarted each time. The records it had stored but not acknowledged
 * are read again, the events it had stored and acknowledged but not yet applied are applied by the
 * restarted worker: each takes effect exactly once.
 */
class ConsumerKilledBetweenCommitsTest extends FaultScenario {

    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final int KILLS_PER_POINT = 3;

    private int consumers;

    @Test
    void anInboxConsumerKilledAtItsCommitsAppliesEveryEventOnce() throws Exception {
        FaultEffects.createTable(database);
        relay("relay", ClaimMode.ROW_LOCK, LEASE);
        // the consumer drains a backlog: a commit of new records, where its points are, is always ahead
        producer(standardPlan()).awaitDone();
        ChildJvm consumer = nextConsumer(ConsumerPoint.BETWEEN_COMMITS);
        consumer = killAtPoint(consumer, ConsumerPoint.BETWEEN_COMMITS,
                "SIGKILL of the consumer between its inbox commit and its offset commit", ConsumerPoint.AFTER_OFFSET_COMMIT);
        consumer = killAtPoint(consumer, ConsumerPoint.AFTER_OFFSET_COMMIT, "SIGKILL of the consumer after its offset commit",
                ConsumerPoint.NONE);
        Pacing.between(random, Duration.ofMillis(200), Duration.ofMillis(1500));
        fault("SIGKILL of the consumer at a random moment");
        consumer.kill();
        nextConsumer(ConsumerPoint.NONE);
        faultsEnded();
        awaitEveryCommittedEventDelivered(Duration.ofSeconds(60));
        awaitEveryEffectApplied(Duration.ofSeconds(60));
        history.effects(FaultEffects.read(database));

        FaultReport report = finish("g. inbox consumer SIGKILLed " + KILLS_PER_POINT + " times between its commits, "
                + KILLS_PER_POINT + " times after its offset commit and once at random");
        assertThat(report.effectsChecked()).isTrue();
        assertThat(report.faults()).isEqualTo(2 * KILLS_PER_POINT + 1);
        assertThat(report.missingEffects()).isZero();
        assertThat(report.doubleEffects()).isZero();
        assertSafeAndLive(report, Duration.ofSeconds(15));
    }

    /**
     * Kills {@code consumer} at {@code point} {@value #KILLS_PER_POINT} times, restarting it after
     * each kill; the last restart stops at {@code next}. Returns the consumer running now.
     */
    private ChildJvm killAtPoint(ChildJvm consumer, ConsumerPoint point, String fault, ConsumerPoint next) {
        for (int kill = 1; kill <= KILLS_PER_POINT; kill++) {
            consumer.awaitMarker(point.marker(), Duration.ofSeconds(60));
            fault(fault);
            consumer.kill();
            consumer = nextConsumer(kill < KILLS_PER_POINT ? point : next);
        }
        return consumer;
    }

    private ChildJvm nextConsumer(ConsumerPoint point) {
        return inboxConsumer("inbox-consumer-" + ++consumers, point);
    }
}
