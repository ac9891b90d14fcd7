package dev.mailroom.relay;

import static dev.mailroom.relay.RelayFixture.FAST_RETRY;
import static dev.mailroom.relay.RelayFixture.ROUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.mailroom.event.OutboxEvent;
import dev.mailroom.testkit.db.TestDatabase;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Two and three relays on one table, each with a pool of its own as if in its own process, while
 * publishers write 10,000 events over 100 keys and the transport fails about 5% of sends: every
 * event is delivered once, each key's events in publish order, no key or event ever has two sends
 * in flight, nothing stays claimed, and every transaction conflict the databases raised (counted
 * at the connections) was retried without losing or repeating anything. Run on each database by
 * {@link RelayRacePostgresTest} and {@link RelayRaceMariaDbTest}.
 */
abstract class RelayRaceContract extends EmptyOutboxContract {

    private static final int EVENTS = 10_000;
    private static final int KEYS = 100;
    /** Each publisher owns its keys, so a key's publish order is its id order and its commit order. */
    private static final int PUBLISHERS = 4;
    private static final int EVENTS_PER_TRANSACTION = 100;
    private static final int FAILURE_PERCENT = 5;

    RelayRaceContract(TestDatabase database) {
        super(database);
    }

    @ParameterizedTest(name = "{0} relays claiming by {1}")
    @CsvSource({"2, ROW_LOCK", "2, LEASE", "3, ROW_LOCK", "3, LEASE"})
    void racingRelaysDeliverEveryEventOnceInKeyOrderWithNoKeyInFlightTwice(int relays, ClaimMode mode)
            throws Exception {
        race(relays, mode, new CountingDataSource());
    }

    /**
     * Every transaction of a lease relay is short and run again when the database picks it as a
     * deadlock's victim, so conflicts injected into 3% of the relays' commits change nothing. (A
     * row-lock batch lost to a conflict loses its locks with it and is sent again, at least once, as
     * when its connection dies: see {@code RelayDeliveryContract}.)
     */
    @Test
    void deadlocksInTheLeaseRelaysTransactionsAreRunAgainAndLoseOrRepeatNothing() throws Exception {
        CountingDataSource injecting = CountingDataSource.injectingConflicts(outbox.sql::deadlock, 11, 3);
        race(2, ClaimMode.LEASE, injecting);
        assertThat(injecting.injected()).as("conflicts injected").isPositive();
    }

    /**
     * Runs {@code relays} relays over connections from {@code counting} while the publishers write, then checks
     * everything. Partition-leased relays run with a 3 s lease, so the partitions are shared out while the
     * events flow (each relay renews and rebalances every second): the later relays take over partitions
     * the first ones give back mid-race.
     */
    void race(int relays, ClaimMode mode, CountingDataSource counting) throws Exception {
        RacingSends sends = new RacingSends(relays * 31L + mode.ordinal(), FAILURE_PERCENT);
        List<HikariDataSource> pools = new ArrayList<>();
        List<Relay> running = new ArrayList<>();
        Set<UUID> published = new HashSet<>();
        long start = System.nanoTime();
        long publishedAt;
        long drainedAt;
        try {
            for (int i = 0; i < relays; i++) {
                HikariDataSource pool = ownPool();
                pools.add(pool);
                Relay.Builder builder = Relay.builder(counting.wrap(pool), ROUTES, sends.transport()).service("orders")
                        .owner("relay-" + i).claimMode(mode).batchSize(100).retryPolicy(FAST_RETRY)
                        .pollInterval(Duration.ofMillis(5), Duration.ofMillis(200))
                        .reapInterval(Duration.ofMillis(500));
                if (mode == ClaimMode.PARTITION_LEASE) {
                    builder.lease(Duration.ofSeconds(3)).sendTimeout(Duration.ofMillis(1500));
                }
                running.add(builder.build().start());
            }
            published.addAll(publishConcurrently());
            publishedAt = System.nanoTime();
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> outbox.count("status = 'published'") == EVENTS);
            drainedAt = System.nanoTime();
            if (mode == ClaimMode.PARTITION_LEASE) {
                await("every relay leases its share of the partitions").atMost(Duration.ofSeconds(15))
                        .until(() -> outbox.queryLong("SELECT count(DISTINCT owner) FROM orders_outbox_partitions"
                                + " WHERE expires_at > now()") == relays
                                && outbox.queryLong("SELECT min(n) FROM (SELECT count(*) AS n FROM"
                                + " orders_outbox_partitions WHERE expires_at > now() GROUP BY owner) shares") >= 64 / relays - 2);
            }
        } finally {
            running.forEach(Relay::close);
            pools.forEach(HikariDataSource::close);
            sends.close();
        }
        System.out.printf("%s, %d relays, %s: %d events published in %d ms, all delivered %d ms after the start;"
                        + " %d sends failed; transaction conflicts: %d %s, %d of them injected%n", outbox.dialect.name(),
                relays, mode, EVENTS, TimeUnit.NANOSECONDS.toMillis(publishedAt - start),
                TimeUnit.NANOSECONDS.toMillis(drainedAt - start), sends.failures(), counting.conflicts(),
                counting.conflictsByCode(), counting.injected());

        assertThat(published).hasSize(EVENTS);
        assertThat(sends.violations()).as("sends of one key or one event in flight at once").isEmpty();
        assertThat(sends.successes().keySet()).as("every event acknowledged").isEqualTo(published);
        assertThat(sends.successes().values()).as("acknowledged once each").allMatch(count -> count == 1);
        assertThat(sends.deliveredSequences()).hasSize(KEYS);
        List<Integer> publishOrder = IntStream.range(0, EVENTS / KEYS).boxed().toList();
        sends.deliveredSequences().forEach((key, sequences) ->
                assertThat(List.copyOf(sequences)).as("deliveries of " + key).isEqualTo(publishOrder));
        assertThat(sends.failures()).as("failures were injected").isPositive();
        assertThat(outbox.count("status <> 'published' OR lease_owner IS NOT NULL OR lease_expires_at IS NOT NULL"))
                .as("nothing left pending, claimed, leased or dead").isZero();
        assertThat(outbox.queryLong("SELECT COALESCE(SUM(attempts), 0) FROM orders_outbox"))
                .as("every failed send counted as one attempt, no settlement lost").isEqualTo(sends.failures());
    }

    @Test
    void theConflictCounterSeesADeadlockTheDatabaseRaises() throws Exception {
        CountingDataSource counting = new CountingDataSource();
        DataSource counted = counting.wrap(outbox.database.dataSource());
        outbox.publish(2, "k", 2);
        long first = outbox.queryLong("SELECT MIN(id) FROM orders_outbox");
        long second = outbox.queryLong("SELECT MAX(id) FROM orders_outbox");
        ExecutorService crossing = Executors.newSingleThreadExecutor();
        try (Connection one = counted.getConnection(); Connection two = counted.getConnection()) {
            one.setAutoCommit(false);
            two.setAutoCommit(false);
            touch(one, first);
            touch(two, second);
            // whichever of the two crossing updates comes second closes the cycle
            Future<?> oneCrosses = crossing.submit(() -> touchQuietly(one, second));
            touchQuietly(two, first);
            oneCrosses.get(30, TimeUnit.SECONDS);
            one.rollback();
            two.rollback();
        } finally {
            crossing.shutdownNow();
        }
        assertThat(counting.conflicts()).as("deadlocks counted: " + counting.conflictsByCode()).isEqualTo(1);
        assertThat(counting.conflictsByCode()).containsOnlyKeys(outbox.dialect.<String>choose(() -> "40P01", () -> "1213"));
    }

    private static void touch(Connection connection, long id) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE orders_outbox SET attempts = attempts + 1 WHERE id = ?")) {
            update.setLong(1, id);
            update.executeUpdate();
        }
    }

    /** The deadlock victim's error is what the counter must see; the survivor goes on. */
    private static void touchQuietly(Connection connection, long id) {
        try {
            touch(connection, id);
        } catch (SQLException e) {
            // one of the two is chosen as the victim
        }
    }

    /** A pool for one relay alone, to the test's database. */
    private HikariDataSource ownPool() {
        InetSocketAddress server = outbox.database.serverAddress();
        return outbox.database.dataSourceVia(server.getHostString(), server.getPort(), Duration.ofSeconds(30));
    }

    /**
     * {@value #PUBLISHERS} publishers at once, each writing the events of its own keys in
     * transactions of {@value #EVENTS_PER_TRANSACTION}; the n-th event of a key carries sequence n.
     */
    private List<UUID> publishConcurrently() throws Exception {
        ExecutorService publishers = Executors.newFixedThreadPool(PUBLISHERS);
        try {
            List<Future<List<UUID>>> done = new ArrayList<>();
            for (int p = 0; p < PUBLISHERS; p++) {
                done.add(publishers.submit(publisher(p)));
            }
            List<UUID> ids = new ArrayList<>();
            for (Future<List<UUID>> publisher : done) {
                ids.addAll(publisher.get(2, TimeUnit.MINUTES));
            }
            return ids;
        } finally {
            publishers.shutdownNow();
        }
    }

    private Callable<List<UUID>> publisher(int index) {
        return () -> {
            int keysOwned = KEYS / PUBLISHERS;
            List<UUID> ids = new ArrayList<>();
            List<OutboxEvent> transaction = new ArrayList<>();
            for (int i = 0; i < EVENTS / PUBLISHERS; i++) {
                String key = "key-" + (index + PUBLISHERS * (i % keysOwned));
                transaction.add(RelayFixture.event(key, i / keysOwned));
                if (transaction.size() == EVENTS_PER_TRANSACTION) {
                    ids.addAll(outbox.publish(transaction, true));
                    transaction.clear();
                }
            }
            if (!transaction.isEmpty()) {
                ids.addAll(outbox.publish(transaction, true));
            }
            return ids;
        };
    }
}
