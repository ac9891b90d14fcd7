package dev.mailroom.relay;

import static dev.mailroom.relay.RelayFixture.TOPIC;
import static dev.mailroom.relay.RelayFixture.sequence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.transport.Envelope;
import dev.mailroom.transport.InProcessTransport;
import dev.mailroom.transport.MissingDestinationException;
import dev.mailroom.transport.Transport;
import dev.mailroom.jdbc.publish.OutboxPublisher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * The relay against a real database, delivering through the in-process transport; run on each
 * database by {@link RelayDeliveryPostgresTest} and {@link RelayDeliveryMariaDbTest}.
 */
abstract class RelayDeliveryContract extends EmptyOutboxContract {

    RelayDeliveryContract(TestDatabase database) {
        super(database);
    }

    @ParameterizedTest
    @ArgumentsSource(ClaimModesOfTheDatabase.class)
    void committedEventsAreDeliveredWithTheirMetadataAndRolledBackOnesNever(ClaimMode mode) throws Exception {
        List<Envelope> received = Collections.synchronizedList(new ArrayList<>());
        InProcessTransport transport = new InProcessTransport().subscribe(TOPIC, received::add);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Relay relay = outbox.relay(transport).claimMode(mode).meterRegistry(meters).build().start()) {
            List<UUID> committed = outbox.publish(List.of(RelayFixture.event("o-1", 1), RelayFixture.event("o-2", 2)), true);
            List<UUID> rolledBack = outbox.publish(List.of(RelayFixture.event("o-3", 3)), false);
            await().atMost(Duration.ofSeconds(30)).until(() -> received.size() >= 2);
            assertThat(received).extracting(Envelope::eventId).containsExactlyElementsOf(committed)
                    .doesNotContainAnyElementsOf(rolledBack);
            Envelope first = received.get(0);
            assertThat(first.key()).isEqualTo("o-1");
            assertThat(new String(first.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"key\":\"o-1\",\"seq\":1}");
            assertThat(first.source()).isEqualTo("/mailroom/orders");
            assertThat(first.destination()).isEqualTo(TOPIC);
            assertThat(first.correlationId()).isEqualTo(first.eventId().toString());
            await().atMost(Duration.ofSeconds(5)).until(() -> outbox.count("status = 'published'") == 2);
            assertThat(meters.get("mailroom.relay.delivered").counter().count()).isEqualTo(2.0);
            assertThat(meters.get("mailroom.relay.ack.latency").timer().count()).isEqualTo(2);
        }
    }

    /** The gauge reads the backlog on a loop of its own; the delivered history is not in it. */
    @ParameterizedTest
    @ArgumentsSource(ClaimModesOfTheDatabase.class)
    void theBacklogGaugeShowsTheUndeliveredRowsNotTheHistory(ClaimMode mode) throws Exception {
        List<Envelope> received = Collections.synchronizedList(new ArrayList<>());
        InProcessTransport transport = new InProcessTransport().subscribe(TOPIC, received::add);
        outbox.publish(2, "waiting-", 2);
        outbox.execute("UPDATE orders_outbox SET attempts = 1, next_attempt_at = CURRENT_TIMESTAMP + INTERVAL '30' DAY");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Relay relay = outbox.relay(transport).claimMode(mode).meterRegistry(meters)
                .reapInterval(Duration.ofMillis(200)).build().start()) {
            outbox.publish(3, "delivered-", 3);
            await().atMost(Duration.ofSeconds(30)).until(() -> outbox.count("status = 'published'") == 3);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(meters.get("mailroom.outbox.pending").gauge().value()).isEqualTo(2.0);
                assertThat(meters.get("mailroom.outbox.oldest.age").gauge().value()).isPositive();
            });
        }
        assertThat(received).hasSize(3);
    }

    @ParameterizedTest
    @ArgumentsSource(ClaimModesOfTheDatabase.class)
    void aRelayKeepingNoHistoryDeletesEveryDeliveredRowAndKeepsKeyOrder(ClaimMode mode) throws Exception {
        Map<String, List<Integer>> sequencesByKey = new ConcurrentHashMap<>();
        Set<UUID> failedOnce = ConcurrentHashMap.newKeySet();
        InProcessTransport transport = new InProcessTransport().subscribe(TOPIC, envelope -> {
            if (ThreadLocalRandom.current().nextInt(100) < 5 && failedOnce.add(envelope.eventId())) {
                throw new IllegalStateException("injected send failure");
            }
            sequencesByKey.computeIfAbsent(envelope.key(), k -> Collections.synchronizedList(new ArrayList<>()))
                    .add(sequence(envelope));
        });
        outbox.publish(2_000, "key-", 20);
        try (Relay relay = outbox.relay(transport).claimMode(mode).deletePublished(true).batchSize(100).build().start()) {
            await().atMost(Duration.ofMinutes(1)).until(() -> outbox.count("true") == 0);
        }
        assertThat(failedOnce).as("failures were injected").isNotEmpty();
        assertThat(sequencesByKey.values().stream().mapToInt(List::size).sum()).isEqualTo(2_000);
        sequencesByKey.forEach((key, sequences) -> assertThat(sequences).as(key).isSorted().doesNotHaveDuplicates());
    }

    @Test
    void withoutNotificationsPollingDeliversRowsOfThisJvmAndOfOtherWriters() throws Exception {
        Set<UUID> received = ConcurrentHashMap.newKeySet();
        Set<String> keys = ConcurrentHashMap.newKeySet();
        InProcessTransport transport = new InProcessTransport().subscribe(TOPIC, e -> {
            received.add(e.eventId());
            keys.add(e.key());
        });
        try (Relay relay = outbox.relay(transport).listen(false).fallbackPoll(Duration.ofMillis(300))
                .pollInterval(Duration.ofMillis(5), Duration.ofMillis(300)).build().start()) {
            assertThat(relay.listenerConnections()).isZero();
            List<UUID> ids = outbox.publish(5, "k", 5);
            await().atMost(Duration.ofSeconds(30)).until(() -> received.containsAll(ids));
            // no publisher in this JVM signals a plain SQL insert: only the poll finds it
            outbox.execute("INSERT INTO orders_outbox (event_type, event_key, payload) VALUES ('order.placed', 'sql', '{}')");
            await().atMost(Duration.ofSeconds(30)).until(() -> keys.contains("sql"));
        }
    }

    @Test
    void aRelayThatIsNotNotifiedIsWokenAtOnceByAPublisherInThisJvm() throws Exception {
        Set<String> keys = ConcurrentHashMap.newKeySet();
        InProcessTransport transport = new InProcessTransport().subscribe(TOPIC, e -> keys.add(e.key()));
        CountingDataSource counting = new CountingDataSource();
        try (Relay relay = Relay.builder(counting.wrap(outbox.database.dataSource()), RelayFixture.ROUTES, transport)
                .service("orders").listen(false).fallbackPoll(Duration.ofMinutes(10))
                .pollInterval(Duration.ofMinutes(10), Duration.ofMinutes(10)).build().start()) {
            await("the relay asleep: no connection taken for a second").during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(30)).until(unchanged(counting::connectionsTaken));
            outbox.execute("INSERT INTO orders_outbox (event_type, event_key, payload) VALUES ('order.placed', 'sql', '{}')");
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(keys::isEmpty);
            outbox.publish(1, "published", 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> keys.containsAll(List.of("sql", "published0")));
        }
    }

    @Test
    void rowsLeasedByACrashedRelayAreDeliveredByAnotherAfterTheLeaseExpires() throws Exception {
        Set<UUID> received = ConcurrentHashMap.newKeySet();
        InProcessTransport transport = new InProcessTransport().subscribe(TOPIC, e -> received.add(e.eventId()));
        List<UUID> ids = outbox.publish(20, "k", 4);
        assertThat(outbox.store.claim("crashed-relay", 10, Duration.ofMillis(300))).hasSize(10);
        try (Relay survivor = outbox.relay(transport).owner("survivor").build().start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> received.containsAll(ids));
        }
        assertThat(outbox.count("status = 'published'")).isEqualTo(20);
        assertThat(outbox.count("attempts = 1 AND last_error LIKE '%crashed-relay%'")).isEqualTo(10);
    }

    /**
     * The stuck relay's two batches in flight never get an answer, so it claims nothing more; once
     * their connections die, the other relay delivers the rows at once.
     */
    @Test
    void rowsLockedByARelayWhoseConnectionDiesAreDeliveredByAnotherAtOnce() throws Exception {
        CountDownLatch hung = new CountDownLatch(20);
        Transport hanging = new ScriptedTransport(envelope -> {
            hung.countDown();
            return new CompletableFuture<>();
        });
        Set<UUID> received = ConcurrentHashMap.newKeySet();
        InProcessTransport transport = new InProcessTransport().subscribe(TOPIC, e -> received.add(e.eventId()));
        List<UUID> ids = outbox.publish(20, "k", 20);
        try (Relay stuck = outbox.relay(hanging).owner("stuck").claimMode(ClaimMode.ROW_LOCK).batchSize(10)
                .sendTimeout(Duration.ofSeconds(20)).shutdownTimeout(Duration.ofMillis(200)).build().start()) {
            assertThat(hung.await(10, TimeUnit.SECONDS)).isTrue();
            try (Relay survivor = outbox.relay(transport).owner("survivor").claimMode(ClaimMode.ROW_LOCK)
                    .fallbackPoll(Duration.ofMillis(200)).build().start()) {
                await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(received::isEmpty);

                assertThat(terminateBatchesInFlight()).as("the stuck relay's batches").isPositive();

                await().atMost(Duration.ofSeconds(10)).until(() -> received.containsAll(ids));
            }
        }
        assertThat(received).hasSize(20);
        assertThat(outbox.count("status = 'published' AND attempts = 1 AND last_error LIKE '%died or lost its database"
                + " connection%'")).as("the lost lock counts an attempt, as an expired lease does").isEqualTo(20);
        assertThat(outbox.claimRecords()).isZero();
    }

    @Test
    void aRelayWhoseOwnConnectionsAreKilledMidBatchRecoversAndLosesNothing() throws Exception {
        AtomicLong killed = new AtomicLong();
        Set<UUID> received = ConcurrentHashMap.newKeySet();
        Transport slowAcks = new ScriptedTransport(envelope -> CompletableFuture.runAsync(
                () -> received.add(envelope.eventId()), CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS)));
        List<UUID> ids = outbox.publish(3_000, "k", 100);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Relay relay = outbox.relay(slowAcks).claimMode(ClaimMode.ROW_LOCK).batchSize(100).meterRegistry(meters)
                .fallbackPoll(Duration.ofMillis(200)).build().start()) {
            ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
            killer.scheduleWithFixedDelay(() -> killed.addAndGet(terminateBatchesInFlight()), 0, 100, TimeUnit.MILLISECONDS);
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> killed.get() >= 3 || received.containsAll(ids));
            } finally {
                killer.shutdownNow();
            }
            assertThat(killed.get()).as("batches were in flight when their connections died").isPositive();
            await().atMost(Duration.ofSeconds(60)).until(() -> outbox.count("status = 'published'") == 3_000);
        }
        assertThat(received).containsAll(ids);
        // a connection killed while its COMMIT is on the wire leaves the outcome unknown to the relay: the rows may
        // be published without the relay counting them (never counted twice, at most one batch per kill uncounted)
        assertThat(meters.get("mailroom.relay.delivered").counter().count())
                .as("a batch whose settlement was refused is counted when it is delivered again, not twice")
                .isLessThanOrEqualTo(3_000.0)
                .isGreaterThanOrEqualTo(3_000.0 - 100.0 * killed.get());
    }

    /** True from the second call on while {@code counter} stays where the previous call found it. */
    private static Callable<Boolean> unchanged(LongSupplier counter) {
        long[] last = {-1};
        return () -> {
            long now = counter.getAsLong();
            boolean same = now == last[0];
            last[0] = now;
            return same;
        };
    }

    /** Terminates every session of this test's pool waiting in an open transaction (a batch awaiting its acks). */
    private long terminateBatchesInFlight() {
        try {
            return outbox.terminateIdleInTransaction();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aMissingDestinationFailsTheStartWithItsName() {
        InProcessTransport nobodyListens = new InProcessTransport();
        Relay relay = outbox.relay(nobodyListens).build();
        assertThatThrownBy(relay::start)
                .isInstanceOf(MissingDestinationException.class)
                .hasMessageContaining(TOPIC);
    }

    @ParameterizedTest
    @ArgumentsSource(ClaimModesOfTheDatabase.class)
    void gracefulShutdownLeavesNoRowSending(ClaimMode mode) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstArrived = new CountDownLatch(1);
        InProcessTransport slow = new InProcessTransport().subscribe(TOPIC, e -> {
            firstArrived.countDown();
            release.await(200, TimeUnit.MILLISECONDS);
        });
        outbox.publish(50, "k", 50);
        Relay relay = outbox.relay(slow).claimMode(mode).batchSize(50).shutdownTimeout(Duration.ofMillis(300)).build().start();
        assertThat(firstArrived.await(10, TimeUnit.SECONDS)).isTrue();
        relay.close();
        assertThat(outbox.count("status = 'sending'")).isZero();
        assertThat(outbox.count("status = 'pending'")).as("unacknowledged rows are given back").isPositive();
        assertThat(outbox.store.claim("next-relay", 50, Duration.ofSeconds(5)))
                .as("no row stays locked").hasSize((int) outbox.count("status = 'sending'"));
        release.countDown();
    }

    /**
     * A batch awaiting its acknowledgement does not hold up rows committed meanwhile: they are claimed
     * and sent at once (a second batch in flight), not after that acknowledgement or its send timeout
     * (14 s here: a partition-leased relay allows at most half its lease). Batches are still settled
     * oldest first.
     */
    @ParameterizedTest
    @ArgumentsSource(ClaimModesOfTheDatabase.class)
    void rowsCommittedWhileABatchAwaitsItsAcknowledgementAreSentWithoutWaitingForIt(ClaimMode mode) throws Exception {
        CompletableFuture<Void> slowAcknowledgement = new CompletableFuture<>();
        Set<String> sent = ConcurrentHashMap.newKeySet();
        Transport transport = new ScriptedTransport(envelope -> {
            sent.add(envelope.key());
            return envelope.key().startsWith("slow") ? slowAcknowledgement : CompletableFuture.completedFuture(null);
        });
        outbox.publish(1, "slow", 1);
        try (Relay relay = outbox.relay(transport).claimMode(mode).sendTimeout(Duration.ofSeconds(14))
                .reapInterval(Duration.ofSeconds(10)).shutdownTimeout(Duration.ofSeconds(5)).build().start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> sent.contains("slow0"));
            await("the relay finds nothing more").during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> sent.size() == 1);

            outbox.publish(1, "fast", 1);

            await("the new row is sent while the first batch still awaits its acknowledgement")
                    .atMost(Duration.ofSeconds(5)).until(() -> sent.contains("fast0"));
            assertThat(slowAcknowledgement).isNotDone();
            assertThat(outbox.count("status = 'published'")).as("settled oldest first").isZero();
            slowAcknowledgement.complete(null);
            await().atMost(Duration.ofSeconds(10)).until(() -> outbox.count("status = 'published'") == 2);
        }
    }

    @ParameterizedTest
    @ArgumentsSource(ClaimModesOfTheDatabase.class)
    void anEventFailingEveryTimeIsDeadAtMaxAttemptsAndOtherKeysFlow(ClaimMode mode) throws Exception {
        Set<String> delivered = ConcurrentHashMap.newKeySet();
        InProcessTransport transport = new InProcessTransport().subscribe(TOPIC, e -> {
            if (e.key().equals("poison")) {
                throw new IllegalArgumentException("cannot deliver");
            }
            delivered.add(e.key());
        });
        OutboxPublisher threeAttempts = OutboxPublisher.builder(RelayFixture.ROUTES).maxAttempts(3).build();
        try (Connection connection = outbox.database.dataSource().getConnection()) {
            threeAttempts.publishAll(connection, List.of(RelayFixture.event("poison", 0),
                    RelayFixture.event("poison", 1), RelayFixture.event("fine", 2)));
        }
        try (Relay relay = outbox.relay(transport).claimMode(mode).build().start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> outbox.count("status = 'dead'") == 2);
        }
        assertThat(delivered).containsExactly("fine");
        assertThat(outbox.count("status = 'dead' AND attempts = 3 AND last_error LIKE '%cannot deliver%'")).isEqualTo(2);
    }

    @ParameterizedTest
    @ArgumentsSource(ClaimModesOfTheDatabase.class)
    void anUnroutedEventTypeWrittenWithPlainSqlIsDeadWithTheReasonNotLost(ClaimMode mode) throws Exception {
        Set<UUID> received = ConcurrentHashMap.newKeySet();
        InProcessTransport transport = new InProcessTransport().subscribe(TOPIC, e -> received.add(e.eventId()));
        outbox.execute("INSERT INTO orders_outbox (event_type, event_key, payload) VALUES ('order.mystery', 'm', 'x')");
        List<UUID> ids = outbox.publish(1, "k", 1);
        try (Relay relay = outbox.relay(transport).claimMode(mode).build().start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> received.containsAll(ids));
            await().atMost(Duration.ofSeconds(30)).until(() -> outbox.count("status = 'dead'") == 1);
        }
        assertThat(outbox.count("event_type = 'order.mystery' AND last_error LIKE '%No route%'")).isEqualTo(1);
    }

    @Test
    void invalidSettingsAreRefusedWithTheirName() {
        InProcessTransport transport = new InProcessTransport();
        assertThatThrownBy(() -> outbox.relay(transport).batchSize(0).build()).hasMessageContaining("batchSize");
        assertThatThrownBy(() -> outbox.relay(transport).lease(Duration.ofSeconds(5))
                .sendTimeout(Duration.ofSeconds(10)).build()).hasMessageContaining("sendTimeout");
        assertThatThrownBy(() -> Relay.builder(outbox.database.dataSource(), RelayFixture.ROUTES, transport).build())
                .hasMessageContaining("service");
        assertThatThrownBy(() -> outbox.relay(transport).service("shipping").build())
                .hasMessageContaining("shipping");
    }
}
