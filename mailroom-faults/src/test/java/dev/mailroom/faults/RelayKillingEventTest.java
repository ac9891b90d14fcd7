package dev.mailroom.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.event.OutboxEvent;
import dev.mailroom.jdbc.publish.OutboxPublisher;
import dev.mailroom.relay.ClaimMode;
import java.sql.Connection;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An event whose send kills the relay's process every time ({@link RelayKillingEventMain}), among
 * the scenario's events; the relay is restarted each time it dies. Each death counts an attempt
 * (in row-lock mode from the claim the dead relay left, in lease mode when its lease expires): the
 * event ends dead after its max attempts instead of killing relays for ever, and the rest flows.
 * The event is not in the history: were it ever delivered, the checker would report it unexpected.
 */
class RelayKillingEventTest extends FaultScenario {

    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final int MAX_ATTEMPTS = 3;

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void anEventThatKillsItsRelayEveryTimeEndsDeadAfterItsAttemptsAndTheRestFlows(ClaimMode mode) throws Exception {
        OutboxRows rows = new OutboxRows(database);
        EventProducer producer = producer(standardPlan());
        try (Connection connection = database.dataSource().getConnection()) {
            OutboxPublisher.builder(FaultRoutes.of(topic)).maxAttempts(MAX_ATTEMPTS).build().publish(connection,
                    OutboxEvent.builder(FaultRoutes.EVENT_TYPE).key(RelayKillingEventMain.KILLER_KEY).json("{}").build());
        }
        String killerDead = "event_key = '" + RelayKillingEventMain.KILLER_KEY + "' AND status = 'dead'";
        int deaths = 0;
        while (rows.count(killerDead) == 0) {
            ChildJvm relay = launch("relay-" + (deaths + 1), RelayKillingEventMain.class, relayJdbcUrl(), mode.name(),
                    Long.toString(LEASE.toMillis()), "relay-" + (deaths + 1));
            await("the relay dead or the killer event dead").atMost(LEASE.plusSeconds(60))
                    .until(() -> !relay.isAlive() || rows.count(killerDead) > 0);
            if (!relay.isAlive()) {
                fault("relay process died sending the killer event");
                deaths++;
            }
            assertThat(deaths).as("relay deaths").isLessThanOrEqualTo(MAX_ATTEMPTS);
        }
        faultsEnded();
        producer.awaitDone();
        awaitEveryCommittedEventDelivered(LEASE.plusSeconds(60));
        assertThat(children.stream().filter(ChildJvm::isAlive)).as("the relay running once the killer is dead")
                .hasSize(1);

        FaultReport report = finish("relay process killed by one event every time it sends it, " + mode);
        assertThat(deaths).as("one death per attempt").isEqualTo(MAX_ATTEMPTS);
        assertThat(rows.count(killerDead + " AND attempts = " + MAX_ATTEMPTS + " AND last_error IS NOT NULL"))
                .as("the killer event dead after its attempts, with the reason").isEqualTo(1);
        assertSafeAndLive(report, LEASE.plusSeconds(10));
    }

    /** Row lock by default (a dead relay's lock vanishes with its session: the claim record counts it); both with {@code -Dfaults=full}. */
    static Stream<ClaimMode> anEventThatKillsItsRelayEveryTimeEndsDeadAfterItsAttemptsAndTheRestFlows() {
        return Scale.modes(ClaimMode.ROW_LOCK);
    }
}
