package dev.mailroom.relay;

import static dev.mailroom.relay.RelayFixture.TOPIC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.mailroom.jdbc.publish.OutboxPublisher;
import dev.mailroom.routing.PoisonPolicy;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.transport.Envelope;
import dev.mailroom.transport.Transport;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * A relay that dies while it holds rows, for real at the database: its pool closed abruptly (every
 * connection aborted, as when its process dies) or its claiming session terminated by the server.
 * An event that kills its relay every time it is sent ends dead after its attempts in every claim
 * mode (row lock: the claim journal; lease: the lease reaper), other keys keep flowing, and no
 * claim record outlives the claims. Run on each database by {@link RelayDeathPostgresTest} and
 * {@link RelayDeathMariaDbTest}.
 */
abstract class RelayDeathContract extends EmptyOutboxContract {

    private static final RouteRegistry HOLDING_ROUTES = RouteRegistry.builder()
            .service("orders", s -> s.table("orders_outbox").topic(TOPIC).event("order.placed")
                    .poisonPolicy("order.placed", PoisonPolicy.HOLD_KEY))
            .build();
    private static final int MAX_ATTEMPTS = 3;
    private static final int OTHER_EVENTS = 40;
    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final Duration SEND_TIMEOUT = Duration.ofMillis(1500);
    private static final String LOST_CLAIM = "died or lost its database connection before the delivery was recorded";
    private static final String LOST_LEASE = "expired before the delivery was recorded";
    private static final String LOST_PARTITION_CLAIM = "died or stopped renewing its leases before the delivery was recorded";

    private final Set<UUID> delivered = ConcurrentHashMap.newKeySet();
    private final AtomicInteger poisonSends = new AtomicInteger();

    RelayDeathContract(TestDatabase database) {
        super(database);
    }

    @ParameterizedTest
    @ArgumentsSource(ClaimModesOfTheDatabase.class)
    void anEventThatKillsItsRelayEveryTimeIsDeadAfterItsAttemptsAndHoldsItsKeyWhileOtherKeysFlow(ClaimMode mode)
            throws Exception {
        Poison poison = publishPoison();
        for (int death = 1; death <= MAX_ATTEMPTS; death++) {
            try (HikariDataSource pool = ownPool()) {
                Relay relay = relay(pool, mode, poison.id(), envelope -> new CompletableFuture<>()).start();
                int expected = death;
                await("poison sent, death " + death).atMost(Duration.ofSeconds(30)).until(() -> poisonSends.get() == expected);
                pool.close(); // every connection aborted: the relay is dead to the database
                relay.close();
            }
        }
        try (Relay survivor = relay(outbox.database.dataSource(), mode, poison.id(),
                envelope -> CompletableFuture.failedFuture(new AssertionError("poison sent after its last attempt")))
                .start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> outbox.count("status = 'dead'") == 1
                    && delivered.containsAll(poison.others()));
        }
        assertThat(poisonSends.get()).as("sent once per attempt, then never again").isEqualTo(MAX_ATTEMPTS);
        assertThat(outbox.count("id = 1 AND status = 'dead' AND holds_key AND attempts = " + MAX_ATTEMPTS
                + " AND last_error LIKE '%" + switch (mode) {
                    case ROW_LOCK -> LOST_CLAIM;
                    case LEASE -> LOST_LEASE;
                    case PARTITION_LEASE -> LOST_PARTITION_CLAIM;
                } + "'"))
                .as("dead with the reason, holding its key").isOne();
        assertThat(outbox.count("id = 2 AND status = 'pending' AND attempts = 0")).as("held behind the dead row").isOne();
        assertThat(outbox.count("status = 'published'")).as("every other key flowed").isEqualTo(OTHER_EVENTS);
        assertThat(outbox.claimRecords()).as("no record outlives its claim").isZero();
    }

    @Test
    void aRowLockRelayWhoseClaimingSessionIsTerminatedWhileSendingCountsEachAttemptUntilTheRowIsDead()
            throws Exception {
        Poison poison = publishPoison();
        AtomicInteger terminated = new AtomicInteger();
        try (Relay relay = relay(outbox.database.dataSource(), ClaimMode.ROW_LOCK, poison.id(), envelope -> {
            // the server ends the session holding the batch while the transport has the event
            // (MariaDB's information_schema.innodb_trx is a snapshot refreshed at most every 100 ms)
            await().atMost(Duration.ofSeconds(10)).until(() -> terminated.addAndGet(
                    (int) outbox.terminateIdleInTransaction()) >= poisonSends.get());
            await().atMost(Duration.ofSeconds(10)).until(() -> outbox.terminateIdleInTransaction() == 0);
            return CompletableFuture.failedFuture(new IllegalStateException("the relay's session was terminated"));
        }).start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> outbox.count("status = 'dead'") == 1
                    && delivered.containsAll(poison.others()));
            assertThat(outbox.count("status = 'published'")).isEqualTo(OTHER_EVENTS);
        }
        assertThat(poisonSends.get()).as("sent once per attempt").isEqualTo(MAX_ATTEMPTS);
        assertThat(terminated.get()).as("a session ended for each send").isGreaterThanOrEqualTo(MAX_ATTEMPTS);
        assertThat(outbox.count("id = 1 AND status = 'dead' AND holds_key AND attempts = " + MAX_ATTEMPTS
                + " AND last_error LIKE '%" + LOST_CLAIM + "'")).isOne();
        assertThat(outbox.count("id = 2 AND status = 'pending'")).isOne();
        assertThat(outbox.claimRecords()).isZero();
    }

    @Test
    void aRowLockBatchLostWithItsRelayIsCountedOnceAndItsRecordRemovedByTheNextRelay() throws Exception {
        List<UUID> ids = outbox.publish(10, "k", 5);
        try (HikariDataSource pool = ownPool()) {
            AtomicInteger sends = new AtomicInteger();
            Relay relay = Relay.builder(pool, RelayFixture.ROUTES, new ScriptedTransport(envelope -> {
                sends.incrementAndGet();
                return new CompletableFuture<>();
            })).service("orders").claimMode(ClaimMode.ROW_LOCK).retryPolicy(RelayFixture.FAST_RETRY)
                    .shutdownTimeout(Duration.ofMillis(100)).build().start();
            await().atMost(Duration.ofSeconds(30)).until(() -> sends.get() > 0);
            pool.close();
            relay.close();
        }
        assertThat(outbox.claimRecords()).as("the dead relay's record").isPositive();
        assertThat(outbox.count("attempts = 0")).as("nothing counted yet").isEqualTo(10);

        Transport fine = new ScriptedTransport(envelope -> {
            delivered.add(envelope.eventId());
            return CompletableFuture.completedFuture(null);
        });
        try (Relay next = outbox.relay(fine).claimMode(ClaimMode.ROW_LOCK).build().start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> outbox.count("status = 'published'") == 10);
            assertThat(outbox.claimRecords()).as("no orphan record once the next relay ran").isZero();
        }
        assertThat(delivered).containsExactlyInAnyOrderElementsOf(ids);
        long claimedByTheDeadRelay = outbox.count("attempts = 1");
        assertThat(claimedByTheDeadRelay).as("the lost attempt of each row the dead relay held").isPositive();
        assertThat(outbox.count("attempts = 0") + claimedByTheDeadRelay).isEqualTo(10);
    }

    @ParameterizedTest
    @ArgumentsSource(ClaimModesOfTheDatabase.class)
    void aDrainByTwoRelaysLeavesTheClaimJournalEmpty(ClaimMode mode) throws Exception {
        List<UUID> ids = outbox.publish(2_000, "k", 50);
        Transport transport = new ScriptedTransport(envelope -> {
            delivered.add(envelope.eventId());
            return CompletableFuture.completedFuture(null);
        });
        try (Relay first = outbox.relay(transport).owner("first").claimMode(mode).batchSize(50).build().start();
             Relay second = outbox.relay(transport).owner("second").claimMode(mode).batchSize(50).build().start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> outbox.count("status = 'published'") == ids.size());
            assertThat(outbox.claimRecords()).as("every record removed with its settlement").isZero();
        }
        assertThat(delivered).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(outbox.count("attempts = 0")).isEqualTo(ids.size());
    }

    /** The poison event (id 1, max attempts 3), a later event of its key (id 2), and others on other keys. */
    private Poison publishPoison() throws SQLException {
        OutboxPublisher threeAttempts = OutboxPublisher.builder(HOLDING_ROUTES).maxAttempts(MAX_ATTEMPTS).build();
        UUID poison;
        try (Connection connection = outbox.database.dataSource().getConnection()) {
            poison = threeAttempts.publishAll(connection, List.of(RelayFixture.event("poison", 0))).get(0);
        }
        outbox.publish(List.of(RelayFixture.event("poison", 1)), true);
        return new Poison(poison, outbox.publish(OTHER_EVENTS, "k", 8));
    }

    private record Poison(UUID id, List<UUID> others) {
    }

    /** A relay whose transport runs {@code onPoison} for the poison event and delivers the others. */
    private Relay relay(javax.sql.DataSource dataSource, ClaimMode mode, UUID poison,
                        java.util.function.Function<Envelope, CompletableFuture<Void>> onPoison) {
        Transport transport = new ScriptedTransport(envelope -> {
            if (envelope.eventId().equals(poison)) {
                poisonSends.incrementAndGet();
                return onPoison.apply(envelope);
            }
            delivered.add(envelope.eventId());
            return CompletableFuture.completedFuture(null);
        });
        return Relay.builder(dataSource, HOLDING_ROUTES, transport).service("orders").claimMode(mode)
                .retryPolicy(RelayFixture.FAST_RETRY).lease(LEASE).sendTimeout(SEND_TIMEOUT).batchSize(10)
                .reapInterval(Duration.ofMillis(200)).shutdownTimeout(Duration.ofMillis(100)).build();
    }

    /** A pool of the relay's own, to close abruptly (every connection aborted) as its process dying would. */
    private HikariDataSource ownPool() {
        InetSocketAddress server = outbox.database.serverAddress();
        return outbox.database.dataSourceVia(server.getHostString(), server.getPort(), Duration.ofSeconds(5));
    }
}
