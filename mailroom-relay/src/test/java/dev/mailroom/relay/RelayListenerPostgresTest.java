package dev.mailroom.relay;

import static dev.mailroom.relay.RelayFixture.TOPIC;
import static org.awaitility.Awaitility.await;

import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;
import dev.mailroom.transport.InProcessTransport;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** PostgreSQL only, by nature: the relay woken by {@code LISTEN/NOTIFY}, and its listener's reconnects. */
@WithPostgres
class RelayListenerPostgresTest extends EmptyOutboxContract {

    RelayListenerPostgresTest(TestDatabase database) {
        super(database);
    }

    @Test
    void aKilledListenerConnectionReconnectsAndWakeUpsContinue() throws Exception {
        Set<UUID> received = ConcurrentHashMap.newKeySet();
        InProcessTransport transport = new InProcessTransport().subscribe(TOPIC, e -> received.add(e.eventId()));
        try (Relay relay = outbox.relay(transport).fallbackPoll(Duration.ofMinutes(10))
                .listenReconnectMax(Duration.ofMillis(200)).build().start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> relay.listenerConnections() == 1);
            List<UUID> before = outbox.publish(3, "k", 3);
            await().atMost(Duration.ofSeconds(30)).until(() -> received.containsAll(before));

            outbox.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE query LIKE 'LISTEN %mailroom_orders%' AND application_name = current_setting('application_name')"
                    + " AND pid <> pg_backend_pid()");
            await().atMost(Duration.ofSeconds(30)).until(() -> relay.listenerConnections() == 2);

            List<UUID> after = outbox.publish(3, "k", 3);
            await().atMost(Duration.ofSeconds(30)).until(() -> received.containsAll(after));
        }
    }
}
