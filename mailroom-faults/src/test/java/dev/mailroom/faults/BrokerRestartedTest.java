package dev.mailroom.faults;

import dev.mailroom.relay.ClaimMode;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Scenario f: the Kafka broker stopped for a few seconds during a drain, then started again. */
class BrokerRestartedTest extends FaultScenario {

    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final Duration OUTAGE = Duration.ofSeconds(4);

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void aBrokerOutageDuringADrainLosesNothingAndKeepsEveryKeysOrder(ClaimMode mode) throws Exception {
        relay("relay-through-broker-outage", mode, LEASE);
        EventProducer producer = producer(standardPlan());
        Pacing.between(random, Duration.ofMillis(500), Duration.ofMillis(2000));
        outage("broker stop", broker::stop, OUTAGE, broker::restart);
        faultsEnded();
        producer.awaitDone();
        awaitEveryCommittedEventDelivered(LEASE.plusSeconds(60));

        FaultReport report = finish("f. broker stopped for " + OUTAGE.toSeconds() + " s during a drain, " + mode);
        assertSafeAndLive(report, LEASE.plusSeconds(15));
    }

    /** ROW_LOCK by default; both claim modes with {@code -Dfaults=full}. */
    static Stream<ClaimMode> aBrokerOutageDuringADrainLosesNothingAndKeepsEveryKeysOrder() {
        return Scale.modes(ClaimMode.ROW_LOCK);
    }
}
