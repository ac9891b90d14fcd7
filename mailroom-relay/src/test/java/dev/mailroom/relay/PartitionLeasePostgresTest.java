package dev.mailroom.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mailroom.event.OutboxEvent;
import dev.mailroom.jdbc.PartitionLostException;
import dev.mailroom.jdbc.store.OutboxRow;
import dev.mailroom.jdbc.store.OutboxStore;
import dev.mailroom.jdbc.store.PartitionBatch;
import dev.mailroom.jdbc.store.PartitionLeases;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;
import dev.mailroom.transport.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Partition-leased claims ({@link ClaimMode#PARTITION_LEASE}, PostgreSQL only): how instances share the
 * 64 partitions, take over those of an instance that stops renewing once its leases expire, and how a
 * batch claimed under a lease that passed to another instance changes nothing.
 */
@WithPostgres
class PartitionLeasePostgresTest extends EmptyOutboxContract {

    private static final Duration LEASE = Duration.ofSeconds(3);
    private final Map<String, List<Integer>> deliveredByKey = new ConcurrentHashMap<>();
    private final List<UUID> delivered = new CopyOnWriteArrayList<>();

    PartitionLeasePostgresTest(TestDatabase database) {
        super(database);
    }

    @Test
    void anInstanceJoiningTakesItsShareAndOneStoppingGivesItsPartitionsBackWhileEveryKeyStaysInOrder()
            throws Exception {
        try (Relay first = relay("first").start()) {
            await("the first instance leases every partition").atMost(Duration.ofSeconds(10))
                    .until(() -> owned("first") == 64);
            List<UUID> ids = new ArrayList<>(publish(0, 10));
            try (Relay second = relay("second").start()) {
                ids.addAll(publish(10, 10));
                await("the two share the partitions").atMost(Duration.ofSeconds(15))
                        .until(() -> owned("first") == 32 && owned("second") == 32);
                ids.addAll(publish(20, 10));
                await().atMost(Duration.ofSeconds(15)).until(() -> delivered.containsAll(ids));
            }
            assertThat(outbox.queryLong("SELECT count(*) FROM orders_outbox_relays WHERE owner = 'second'"))
                    .as("a graceful stop leaves the instances sharing the partitions").isZero();
            assertThat(owned("second")).as("and frees its partitions at once").isZero();
            ids.addAll(publish(30, 10));
            await("the first instance takes the freed partitions back").atMost(Duration.ofSeconds(10))
                    .until(() -> owned("first") == 64);
            await().atMost(Duration.ofSeconds(15)).until(() -> delivered.containsAll(ids));
            assertThat(delivered).as("each event once").doesNotHaveDuplicates().hasSize(ids.size());
        }
        assertThat(deliveredByKey).hasSize(20);
        deliveredByKey.forEach((key, sequences) -> assertThat(sequences).as(key).isSorted().hasSize(40));
    }

    @Test
    void thePartitionsOfAnInstanceThatStopsRenewingPassToAnotherOnlyOnceTheirLeasesExpire() throws Exception {
        PartitionLeases leases = outbox.store.partitionLeases().orElseThrow();
        assertThat(leases.join("vanished", Duration.ofMinutes(1))).isEqualTo(1);
        assertThat(leases.acquire("vanished", Duration.ofMinutes(1), 64)).hasSize(64);
        List<UUID> ids = publish(0, 5);
        try (Relay relay = relay("survivor").start()) {
            await("nothing claimed while the vanished instance's leases run").during(Duration.ofMillis(1500))
                    .atMost(Duration.ofSeconds(3)).until(delivered::isEmpty);
            assertThat(leases.owners().values()).hasSize(64).containsOnly("vanished");
            outbox.execute("UPDATE orders_outbox_partitions SET expires_at = now() - interval '1 second'");
            outbox.execute("UPDATE orders_outbox_relays SET expires_at = now() - interval '1 second'"
                    + " WHERE owner = 'vanished'");
            await("taken over once expired").atMost(Duration.ofSeconds(15)).until(() -> delivered.containsAll(ids));
            await().atMost(Duration.ofSeconds(10)).until(() -> owned("survivor") == 64);
        }
        assertThat(outbox.queryLong("SELECT min(epoch) FROM orders_outbox_partitions"))
                .as("every partition changed owner twice: leased, then taken over").isEqualTo(2);
    }

    @Test
    void aDeadRowHoldingItsKeyHoldsBackOnlyThatKeyAndAKeylessOneNothing() throws Exception {
        publish(0, 1);
        outbox.execute("INSERT INTO orders_outbox (event_type, event_key, payload, status, holds_key) VALUES"
                + " ('order.placed', NULL, convert_to('{\"seq\":0}', 'UTF8'), 'dead', true),"
                + " ('order.placed', 'key-3', convert_to('{\"seq\":9}', 'UTF8'), 'dead', true)");
        publish(1, 1);
        OutboxStore holding = outbox.store.withKeysHeldByDeadEventsOf(Set.of("order.placed"));
        Map<Integer, Long> leased = holding.partitionLeases().orElseThrow().acquire("holder", Duration.ofMinutes(1), 64);
        PartitionBatch batch = holding.claimInPartitions("holder", leased, Set.of(), Set.of(), 100);
        assertThat(batch.rows()).extracting(OutboxRow::key).as("every key but the one a later dead row holds")
                .hasSize(19).doesNotContain("key-3");
    }

    @Test
    void aSendTimeoutOverHalfTheLeaseIsRefused() {
        assertThatThrownBy(() -> outbox.relay(new ScriptedTransport(envelope -> CompletableFuture.completedFuture(null)))
                .claimMode(ClaimMode.PARTITION_LEASE).lease(Duration.ofSeconds(3)).sendTimeout(Duration.ofSeconds(2))
                .build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most half the lease");
    }

    @Test
    void aBatchWhosePartitionsPassedToAnotherInstanceChangesNothingAndItsRowsAreClaimedAgainInOrder()
            throws Exception {
        publish(0, 2);
        PartitionLeases leases = outbox.store.partitionLeases().orElseThrow();
        Map<Integer, Long> paused = leases.acquire("paused", Duration.ofMinutes(1), 64);
        PartitionBatch stale = outbox.store.claimInPartitions("paused", paused, Set.of(), Set.of(), 100);
        assertThat(stale.rows()).as("the oldest row of each key, nothing else").hasSize(20)
                .allMatch(row -> RelayFixture.sequence(row.payload()) == 0);
        assertThat(outbox.count("status <> 'pending'")).as("a claim changes no row").isZero();
        assertThat(outbox.claimRecords()).as("but is recorded in the claim journal").isOne();

        outbox.execute("UPDATE orders_outbox_partitions SET expires_at = now() - interval '1 second'");
        Map<Integer, Long> taken = leases.acquire("taking-over", Duration.ofMinutes(1), 64);
        assertThat(taken).hasSize(64);
        assertThat(leases.join("taking-over", Duration.ofMinutes(1))).as("the paused instance never joined").isOne();
        assertThat(leases.countLostClaims()).as("the lost batch's attempt counted for each row").isEqualTo(20);
        PartitionBatch next = outbox.store.claimInPartitions("taking-over", taken, Set.of(), Set.of(), 100);
        List<Long> staleIds = stale.rows().stream().map(OutboxRow::id).toList();
        assertThat(next.rows()).extracting(OutboxRow::id).as("the same oldest rows, none skipped")
                .containsExactlyElementsOf(staleIds);
        assertThat(next.rows()).allMatch(row -> row.attempts() == 1);

        assertThatThrownBy(() -> stale.settle(staleIds, List.of()))
                .isInstanceOf(PartitionLostException.class).hasMessageContaining("no longer holds the lease");
        assertThat(outbox.count("status <> 'pending'")).as("the stale settlement changed nothing").isZero();
        assertThat(outbox.count("attempts = 1")).as("and its attempt is not counted twice").isEqualTo(20);
        next.settle(staleIds, List.of());
        assertThat(outbox.count("status = 'published'")).isEqualTo(20);
        assertThat(outbox.claimRecords()).as("no record outlives its batch").isZero();
    }

    private Relay relay(String owner) {
        Transport transport = new ScriptedTransport(envelope -> {
            delivered.add(envelope.eventId());
            deliveredByKey.computeIfAbsent(envelope.key(), key -> new CopyOnWriteArrayList<>())
                    .add(RelayFixture.sequence(envelope));
            return CompletableFuture.completedFuture(null);
        });
        return outbox.relay(transport).owner(owner).claimMode(ClaimMode.PARTITION_LEASE).lease(LEASE)
                .sendTimeout(Duration.ofMillis(1500)).batchSize(50).build();
    }

    /** {@code perKey} events for each of 20 keys, the n-th of a key with sequence {@code from + n}. */
    private List<UUID> publish(int from, int perKey) throws Exception {
        List<OutboxEvent> events = new ArrayList<>();
        for (int n = 0; n < perKey; n++) {
            for (int key = 0; key < 20; key++) {
                events.add(RelayFixture.event("key-" + key, from + n));
            }
        }
        return outbox.publish(events, true);
    }

    private long owned(String owner) throws Exception {
        return outbox.queryLong("SELECT count(*) FROM orders_outbox_partitions WHERE owner = '" + owner
                + "' AND expires_at > now()");
    }
}
