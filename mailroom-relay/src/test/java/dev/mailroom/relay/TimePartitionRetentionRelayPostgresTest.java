package dev.mailroom.relay;

import static dev.mailroom.relay.RelayFixture.TOPIC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.event.OutboxEvent;
import dev.mailroom.jdbc.schema.SchemaMigrator;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;
import dev.mailroom.transport.DeliveryException;
import dev.mailroom.transport.InProcessTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * A relay with a retention age on the time-partitioned layout (partitions one second wide, one
 * second of history kept) while a producer publishes for several seconds: the relay creates the
 * partitions ahead and drops expired ones under its own claims and settlements, every event arrives
 * once and in key order, the dead event survives its partition in the default one, and the
 * delivered history never outlives its partition by more than a few passes.
 */
@WithPostgres
class TimePartitionRetentionRelayPostgresTest extends EmptyOutboxContract {

    private static final int BATCHES = 30;
    private static final int PER_BATCH = 20;
    private static final int KEYS = 10;

    TimePartitionRetentionRelayPostgresTest(TestDatabase database) {
        super(database);
        new SchemaMigrator(database.dataSource(), outbox.dialect)
                .migrateToTimePartitions(RelayFixture.ROUTES.service("orders"), Duration.ofSeconds(1));
    }

    @ParameterizedTest
    @ArgumentsSource(ClaimModesOfTheDatabase.class)
    void expiredPartitionsAreDroppedWhileTheRelayDeliversEveryEventOnceInKeyOrderAndTheDeadOneIsKept(ClaimMode mode)
            throws Exception {
        Map<String, List<Integer>> received = new ConcurrentHashMap<>();
        InProcessTransport transport = new InProcessTransport().subscribe(TOPIC, envelope -> {
            if (envelope.key().equals("poison")) {
                throw new DeliveryException("refused, always");
            }
            received.computeIfAbsent(envelope.key(), key -> new CopyOnWriteArrayList<>())
                    .add(RelayFixture.sequence(envelope));
        });
        outbox.publish(List.of(RelayFixture.event("poison", 0)), true);
        String firstPartition = partitionOf(1);

        try (Relay relay = outbox.relay(transport).claimMode(mode)
                .retention(Duration.ofSeconds(1), Duration.ofMillis(200)).build().start()) {
            int sequence = 0;
            for (int batch = 0; batch < BATCHES; batch++) {
                List<OutboxEvent> events = new ArrayList<>();
                for (int i = 0; i < PER_BATCH; i++, sequence++) {
                    events.add(RelayFixture.event("k" + (sequence % KEYS), sequence));
                }
                outbox.publish(events, true);
                // pacing, not a wait for a condition: the producer's rows spread over several one-second
                // partitions, so partitions expire and are dropped while the relay still delivers
                Thread.sleep(150);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> delivered(received) == BATCHES * PER_BATCH);
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> outbox.count(
                    "status = 'published' AND created_at < now() - interval '4 seconds'") == 0);
            await().atMost(Duration.ofSeconds(15)).until(() -> "orders_outbox_default".equals(partitionOf(1)));
        }

        assertThat(outbox.queryLong("SELECT count(*) FROM pg_class WHERE oid = to_regclass('" + firstPartition + "')"))
                .as("the first partition dropped").isZero();
        assertThat(outbox.count("id = 1 AND status = 'dead' AND attempts = 20")).as("the dead row kept whole").isOne();
        assertThat(outbox.count("status IN ('pending', 'sending')")).isZero();
        for (int key = 0; key < KEYS; key++) {
            List<Integer> sequences = received.get("k" + key);
            assertThat(sequences).as("key k%d: each event once, in order", key).isSorted().doesNotHaveDuplicates()
                    .hasSize(BATCHES * PER_BATCH / KEYS);
        }
        assertThat(outbox.count("1 = 1")).as("the delivered history of dropped partitions is gone")
                .isLessThan(BATCHES * PER_BATCH);
    }

    private static int delivered(Map<String, List<Integer>> received) {
        return received.values().stream().mapToInt(List::size).sum();
    }

    private String partitionOf(long id) throws Exception {
        try (var connection = outbox.database.dataSource().getConnection();
             var statement = connection.createStatement();
             var rs = statement.executeQuery("SELECT tableoid::regclass::text FROM orders_outbox WHERE id = " + id)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
