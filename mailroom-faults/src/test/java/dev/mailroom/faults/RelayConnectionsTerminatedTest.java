package dev.mailroom.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.relay.ClaimMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Scenario d: every database session of the relay (claims, settlements, its LISTEN connection)
 * terminated with {@code pg_terminate_backend} in a loop while events flow. The relay's sessions
 * are told apart by their {@code application_name}; the producer's and the test's are spared.
 */
class RelayConnectionsTerminatedTest extends FaultScenario {

    private static final Duration LEASE = Duration.ofSeconds(3);

    @ParameterizedTest(name = "{0}")
    @EnumSource(ClaimMode.class)
    void relaySessionsTerminatedInALoopLoseNothingAndKeepEveryKeysOrder(ClaimMode mode) throws Exception {
        ChildJvm relay = relay("terminated-relay", mode, LEASE);
        EventProducer producer = producer(standardPlan());
        long terminated = 0;
        int rounds = 0;
        while (producer.isRunning() || rounds < 5) {
            Pacing.between(random, Duration.ofMillis(100), Duration.ofMillis(600));
            fault("pg_terminate_backend of the relay's sessions");
            terminated += terminateRelaySessions();
            rounds++;
        }
        faultsEnded();
        producer.awaitDone();
        awaitEveryCommittedEventDelivered(LEASE.plusSeconds(60));
        assertThat(relay.isAlive()).as("the relay survived losing its sessions").isTrue();

        FaultReport report = finish("d. relay sessions terminated " + terminated + " times in " + rounds + " rounds, "
                + mode);
        assertThat(terminated).as("sessions terminated").isGreaterThanOrEqualTo(rounds / 2);
        assertSafeAndLive(report, LEASE.plusSeconds(10));
    }

    private long terminateRelaySessions() throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT count(*) FILTER (WHERE"
                     + " pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = ?")) {
            statement.setString(1, relayApplicationName());
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
