package dev.mailroom.faults;

import dev.mailroom.relay.ClaimMode;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

/** Scenario a: the only relay SIGKILLed at random moments while events flow, restarted each time. */
class RelayKilledRepeatedlyTest extends FaultScenario {

    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final int MIN_KILLS = 3;

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(ClaimModesOfTheDatabase.class)
    void aRelayKilledAtRandomMomentsLosesNothingAndKeepsEveryKeysOrder(ClaimMode mode) throws Exception {
        EventProducer producer = producer(standardPlan());
        ChildJvm relay = relay("killed-relay-1", mode, LEASE);
        int kills = 0;
        while (producer.isRunning() || kills < MIN_KILLS) {
            Pacing.between(random, Duration.ofMillis(200), Duration.ofMillis(1500));
            fault("SIGKILL of the relay");
            relay.kill();
            kills++;
            relay = relay("killed-relay-" + (kills + 1), mode, LEASE);
        }
        endAfterRelayFaults(producer, LEASE, "a. relay SIGKILLed " + kills + " times, " + mode, kills);
    }
}
