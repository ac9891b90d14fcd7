package dev.mailroom.relay;

import static dev.mailroom.relay.RelayFixture.TOPIC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mailroom.event.OutboxEvent;
import dev.mailroom.jdbc.operator.Actor;
import dev.mailroom.jdbc.operator.OperatorMove;
import dev.mailroom.jdbc.operator.OperatorStore;
import dev.mailroom.jdbc.operator.RelayHeartbeats;
import dev.mailroom.jdbc.operator.RelayInstance;
import dev.mailroom.jdbc.operator.Selection;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.routing.PoisonPolicy;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.transport.DeliveryException;
import dev.mailroom.transport.Envelope;
import dev.mailroom.transport.InProcessTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * What the relay does for operators: a dead event of a {@code HOLD_KEY} route holds its key until
 * skipped or replayed, the relay's heartbeat, and retention. Run on each database by
 * {@link RelayOperatorsPostgresTest} and {@link RelayOperatorsMariaDbTest}.
 */
abstract class RelayOperatorsContract extends EmptyOutboxContract {

    private static final RouteRegistry HOLDING = RouteRegistry.builder()
            .service("orders", s -> s.table("orders_outbox").topic(TOPIC).event("order.placed")
                    .poisonPolicy(PoisonPolicy.HOLD_KEY))
            .build();
    private static final RetryPolicy THREE_FAST_TRIES = RetryPolicy.builder()
            .initialDelay(Duration.ofMillis(5)).maxDelay(Duration.ofMillis(20)).maxAttempts(3).build();
    private static final Actor ADA = new Actor("ada", "the poison is harmless now");

    RelayOperatorsContract(TestDatabase database) {
        super(database);
    }

    @ParameterizedTest
    @ArgumentsSource(ClaimModesOfTheDatabase.class)
    void aDeadEventOfAHoldKeyRouteHoldsItsKeyWhileOthersFlowAndSkipFreesTheRestInOrder(ClaimMode mode)
            throws Exception {
        List<Envelope> received = Collections.synchronizedList(new ArrayList<>());
        InProcessTransport transport = new InProcessTransport().subscribe(TOPIC, envelope -> {
            if (envelope.key().equals("a") && RelayFixture.sequence(envelope) == 1) {
                throw new DeliveryException("the broker refuses a1 for now");
            }
            received.add(envelope);
        });
        List<OutboxEvent> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            events.add(RelayFixture.event("a", i));
            events.add(RelayFixture.event("b", i));
        }
        outbox.publish(events, true);
        OperatorStore operator = operator();

        try (Relay relay = holdingRelay(transport, mode).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> operator.holding() == 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> keyed(received, "b").size() == 5);
            assertThat(keyed(received, "a")).as("a1 is dead and holds a2..a4").containsExactly(0);
            assertThat(operator.heldKeys(10)).singleElement().satisfies(held -> {
                assertThat(held.key()).isEqualTo("a");
                assertThat(held.waiting()).isEqualTo(3);
            });

            assertThat(operator.apply(OperatorMove.SKIP, Selection.ids(List.of(operator.heldKeys(10).get(0).id())),
                    ADA).rows()).isOne();
            await().atMost(Duration.ofSeconds(30)).until(() -> keyed(received, "a").size() == 4);
        }
        assertThat(keyed(received, "a")).as("in order, a1 left dead").containsExactly(0, 2, 3, 4);
        assertThat(outbox.count("status = 'dead' AND NOT holds_key")).isOne();
    }

    @ParameterizedTest
    @ArgumentsSource(ClaimModesOfTheDatabase.class)
    void retryingTheEventThatHoldsItsKeyDeliversItFirstThenTheRest(ClaimMode mode) throws Exception {
        List<Envelope> received = Collections.synchronizedList(new ArrayList<>());
        boolean[] brokerRefuses = {true};
        InProcessTransport transport = new InProcessTransport().subscribe(TOPIC, envelope -> {
            if (brokerRefuses[0] && RelayFixture.sequence(envelope) == 0) {
                throw new DeliveryException("not yet");
            }
            received.add(envelope);
        });
        outbox.publish(List.of(RelayFixture.event("a", 0), RelayFixture.event("a", 1), RelayFixture.event("a", 2)),
                true);
        OperatorStore operator = operator();

        try (Relay relay = holdingRelay(transport, mode).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> operator.holding() == 1);
            assertThat(received).isEmpty();
            brokerRefuses[0] = false;
            assertThat(operator.apply(OperatorMove.REPLAY, Selection.ids(List.of(1L)), ADA).rows()).isOne();
            await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == 3);
        }
        assertThat(keyed(received, "a")).containsExactly(0, 1, 2);
    }

    @ParameterizedTest
    @ArgumentsSource(ClaimModesOfTheDatabase.class)
    void replaysRacingARunningRelayAndEachOtherDeliverEveryReplayedEventExactlyOnceMore(ClaimMode mode)
            throws Exception {
        java.util.Map<java.util.UUID, java.util.concurrent.atomic.AtomicInteger> deliveries =
                new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicBoolean refusing = new java.util.concurrent.atomic.AtomicBoolean(true);
        InProcessTransport transport = new InProcessTransport().subscribe(TOPIC, envelope -> {
            if (refusing.get() && RelayFixture.sequence(envelope) % 2 == 0) {
                throw new DeliveryException("refused while the consumer side is broken");
            }
            deliveries.computeIfAbsent(envelope.eventId(), id -> new java.util.concurrent.atomic.AtomicInteger())
                    .incrementAndGet();
        });
        outbox.publish(400, "k", 40);
        OperatorStore operator = operator();
        try (Relay relay = outbox.relay(transport).retryPolicy(THREE_FAST_TRIES).claimMode(mode).build().start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> outbox.count("status = 'dead'") == 200
                    && deliveries.size() == 200);
            refusing.set(false);
            outbox.publish(200, "fresh", 20);
            java.util.concurrent.ExecutorService operators = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                List<java.util.concurrent.Future<Integer>> replays = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    replays.add(operators.submit(() -> operator.apply(OperatorMove.REPLAY,
                            Selection.matching(dev.mailroom.jdbc.operator.MessageFilter.any()), ADA).rows()));
                }
                int replayed = 0;
                for (java.util.concurrent.Future<Integer> replay : replays) {
                    replayed += replay.get();
                }
                assertThat(replayed).as("the two replays split the dead rows, none twice").isEqualTo(200);
            } finally {
                operators.shutdownNow();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> deliveries.size() == 600);
        }
        assertThat(deliveries.values()).as("every event delivered once").allSatisfy(count ->
                assertThat(count.get()).isOne());
        assertThat(outbox.count("status = 'published'")).isEqualTo(600);
    }

    @Test
    void holdKeyNeedsKeyOrderedClaims() {
        assertThatThrownBy(() -> Relay.builder(outbox.database.dataSource(), HOLDING, new InProcessTransport())
                .service("orders").orderByKey(false).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("order.placed").hasMessageContaining("HOLD_KEY");
    }

    @Test
    void aRunningRelayHeartbeatsAndIsMarkedStoppedWhenClosed() throws Exception {
        outbox.execute("DELETE FROM mailroom_relay_instances");
        RelayHeartbeats heartbeats = RelayHeartbeats.create(outbox.database.dataSource(), outbox.dialect);
        InProcessTransport transport = new InProcessTransport().subscribe(TOPIC, envelope -> { });
        String owner;
        try (Relay relay = outbox.relay(transport).claimMode(ClaimMode.LEASE).build().start()) {
            owner = relay.owner();
            await().atMost(Duration.ofSeconds(10)).until(() -> heartbeats.instances().size() == 1);
            RelayInstance running = heartbeats.instances().get(0);
            assertThat(running.instanceId()).isEqualTo(owner);
            assertThat(running.service()).isEqualTo("orders");
            assertThat(running.claimMode()).isEqualTo("LEASE");
            assertThat(running.alive(Duration.ofSeconds(5))).isTrue();
            java.time.Instant first = running.lastSeenAt();
            await().atMost(Duration.ofSeconds(10)).until(() -> heartbeats.instances().get(0).lastSeenAt().isAfter(first));
        }
        assertThat(heartbeats.instances()).singleElement().satisfies(stopped -> {
            assertThat(stopped.instanceId()).isEqualTo(owner);
            assertThat(stopped.stoppedAt()).isNotNull();
            assertThat(stopped.alive(Duration.ofDays(1))).isFalse();
        });
    }

    @Test
    void retentionDeletesDeliveredAndDiscardedRowsPastTheirAgeAndKeepsDeadOnes() throws Exception {
        InProcessTransport transport = new InProcessTransport().subscribe(TOPIC, envelope -> { });
        outbox.publish(20, "k", 4);
        outbox.execute("UPDATE orders_outbox SET status = 'dead' WHERE id IN (1, 2)");
        outbox.execute("UPDATE orders_outbox SET status = 'discarded' WHERE id = 3");
        try (Relay relay = outbox.relay(transport).retention(Duration.ofMillis(1), Duration.ofMillis(50)).build()
                .start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> outbox.count("1 = 1") == 2);
        }
        assertThat(outbox.count("status = 'dead'")).isEqualTo(2);
    }

    private Relay holdingRelay(InProcessTransport transport, ClaimMode mode) {
        return Relay.builder(outbox.database.dataSource(), HOLDING, transport).service("orders")
                .retryPolicy(THREE_FAST_TRIES).reapInterval(Duration.ofMillis(200)).claimMode(mode).build();
    }

    private OperatorStore operator() {
        return OperatorStore.create(outbox.database.dataSource(), outbox.dialect,
                HOLDING.service("orders").table(), "outbox:orders", HOLDING.service("orders").notifyChannel());
    }

    private static List<Integer> keyed(List<Envelope> received, String key) {
        synchronized (received) {
            return received.stream().filter(envelope -> envelope.key().equals(key)).map(RelayFixture::sequence)
                    .toList();
        }
    }
}
