package dev.mailroom.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.relay.ClaimMode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Scenario h: 2% of the events carry a payload the consumer cannot decode. Each is dead-lettered in
 * the inbox with its reason, never applied, and every other event (of the same keys too) flows.
 */
class PoisonDeadLetteredTest extends FaultScenario {

    @Test
    void poisonIsDeadLetteredAndEverythingElseIsAppliedOnce() throws Exception {
        FaultEffects.createTable(database);
        relay("relay", ClaimMode.ROW_LOCK, Duration.ofSeconds(3));
        inboxConsumer("inbox-consumer", ConsumerPoint.NONE);
        EventProducer producer = producer(new EventProducer.Plan(Scale.events(), Scale.keys(), perSecond(), 0.05, 0.02));
        producer.awaitDone();
        awaitEveryCommittedEventDelivered(Duration.ofSeconds(60));
        awaitEveryEffectApplied(Duration.ofSeconds(60));
        Set<UUID> poison = new HashSet<>();
        history.produced().stream().filter(event -> event.committed() && event.poison())
                .forEach(event -> poison.add(event.id()));
        await("every poison event dead in the inbox").atMost(Duration.ofSeconds(30))
                .until(() -> deadInInbox().equals(poison));
        history.effects(FaultEffects.read(database));

        FaultReport report = finish("h. " + poison.size() + " poison events among the rest");
        assertThat(poison).as("poison events produced").hasSizeGreaterThan(Scale.events() / 100);
        assertThat(report.poisonApplied()).isZero();
        assertSafeAndLive(report, Duration.ofSeconds(15));
    }

    private Set<UUID> deadInInbox() throws Exception {
        Set<UUID> dead = new HashSet<>();
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT event_id FROM " + FaultRoutes.INBOX
                     + " WHERE status = 'dead' AND last_error IS NOT NULL")) {
            while (rs.next()) {
                dead.add(rs.getObject(1, UUID.class));
            }
        }
        return dead;
    }
}
