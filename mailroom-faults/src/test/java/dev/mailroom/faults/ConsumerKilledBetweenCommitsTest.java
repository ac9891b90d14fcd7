package dev.mailroom.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.relay.ClaimMode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Scenario g: Mailroom's inbox consumer in a child JVM SIGKILLed between its inbox commit and its
 * Kafka offset commit (several times), and once more at a random moment; restarted each time. The
 * records it had stored but not acknowledged are read again: none may take effect twice.
 */
class ConsumerKilledBetweenCommitsTest extends FaultScenario {

    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final int KILLS_BETWEEN_COMMITS = 3;

    @Test
    void anInboxConsumerKilledBetweenItsCommitsAppliesEveryEventOnce() throws Exception {
        FaultEffects.createTable(database);
        relay("relay", ClaimMode.ROW_LOCK, LEASE);
        ChildJvm consumer = inboxConsumer("inbox-consumer-1", true);
        EventProducer producer = producer(standardPlan());
        for (int kill = 1; kill <= KILLS_BETWEEN_COMMITS; kill++) {
            consumer.awaitMarker("@BETWEEN_COMMITS", Duration.ofSeconds(60));
            fault("SIGKILL of the consumer between its inbox commit and its offset commit");
            consumer.kill();
            consumer = inboxConsumer("inbox-consumer-" + (kill + 1), kill < KILLS_BETWEEN_COMMITS);
        }
        Pacing.between(random, Duration.ofMillis(200), Duration.ofMillis(1500));
        fault("SIGKILL of the consumer at a random moment");
        consumer.kill();
        inboxConsumer("inbox-consumer-last", false);
        faultsEnded();
        producer.awaitDone();
        awaitEveryCommittedEventDelivered(Duration.ofSeconds(60));
        awaitEveryEffectApplied(Duration.ofSeconds(60));
        history.effects(FaultEffects.read(database));

        FaultReport report = finish("g. inbox consumer SIGKILLed " + KILLS_BETWEEN_COMMITS
                + " times between its commits and once at random");
        assertThat(report.effectsChecked()).isTrue();
        assertThat(report.faults()).isEqualTo(KILLS_BETWEEN_COMMITS + 1);
        assertSafeAndLive(report, Duration.ofSeconds(15));
    }
}
