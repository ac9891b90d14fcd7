package dev.mailroom.faults;

import dev.mailroom.faults.NamedPointRelayMain.Point;
import dev.mailroom.relay.ClaimMode;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Scenario a at named points: the only relay SIGKILLed, again and again, after a batch was sent and
 * before it was settled, or after its settlement committed and before the commit returned;
 * restarted each time.
 */
class RelayKilledAtNamedPointsTest extends FaultScenario {

    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final int KILLS = 3;

    @ParameterizedTest(name = "{0} at {1}")
    @MethodSource
    void aRelayKilledAtANamedPointLosesNothingAndKeepsEveryKeysOrder(ClaimMode mode, Point point) throws Exception {
        EventProducer producer = producer(standardPlan());
        for (int kill = 1; kill <= KILLS; kill++) {
            ChildJvm relay = child("named-point-relay-" + kill, NamedPointRelayMain.class, relayJdbcUrl(), mode.name(),
                    Long.toString(LEASE.toMillis()), "named-point-relay-" + kill, point.name(),
                    Long.toString(random.nextLong()));
            relay.awaitMarker("@AT " + point, Duration.ofSeconds(60));
            fault("SIGKILL of the relay at " + point);
            relay.kill();
        }
        relay("relay-after-the-kills", mode, LEASE);
        endAfterRelayFaults(producer, LEASE, "a. relay SIGKILLed " + KILLS + " times at " + point + ", " + mode, KILLS);
    }

    /** Both points in lease mode by default; both modes with {@code -Dfaults=full}. */
    static Stream<Arguments> aRelayKilledAtANamedPointLosesNothingAndKeepsEveryKeysOrder() {
        return Scale.modes(ClaimMode.LEASE).flatMap(mode -> Stream.of(Point.values()).map(point -> Arguments.of(mode, point)));
    }
}
