package dev.mailroom.faults;

import dev.mailroom.relay.ClaimMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Scenario c: three relays competing for the same outbox, SIGKILLed in turns and restarted. */
class CompetingRelaysKilledInTurnsTest extends FaultScenario {

    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final int RELAYS = 3;

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void threeRelaysKilledInTurnsLoseNothingAndKeepEveryKeysOrder(ClaimMode mode) throws Exception {
        List<ChildJvm> relays = new ArrayList<>();
        for (int i = 0; i < RELAYS; i++) {
            relays.add(relay("competing-relay-" + i, mode, LEASE));
        }
        EventProducer producer = producer(standardPlan());
        int kills = 0;
        while (producer.isRunning() || kills < RELAYS) {
            Pacing.between(random, Duration.ofMillis(200), Duration.ofMillis(1000));
            int turn = kills % RELAYS;
            fault("SIGKILL of one of " + RELAYS + " relays");
            relays.get(turn).kill();
            kills++;
            relays.set(turn, relay("competing-relay-" + turn + "-" + kills, mode, LEASE));
        }
        endAfterRelayFaults(producer, LEASE, "c. " + RELAYS + " relays competing, SIGKILLed " + kills
                + " times in turns, " + mode, kills);
    }

    /**
     * ROW_LOCK and PARTITION_LEASE (its partitions change hands at every kill) by default; every claim
     * mode with {@code -Dfaults=full}.
     */
    static Stream<ClaimMode> threeRelaysKilledInTurnsLoseNothingAndKeepEveryKeysOrder() {
        return Scale.modes(ClaimMode.ROW_LOCK, ClaimMode.PARTITION_LEASE);
    }
}
