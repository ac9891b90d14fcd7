package dev.mailroom.jdbc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.jdbc.OutboxFixture;
import dev.mailroom.state.OutboxState;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A store operation the database rolls back for a deadlock is run again, not failed. */
@WithPostgres
class ConflictRetryTest {

    private final OutboxFixture outbox;

    ConflictRetryTest(TestDatabase database) {
        this.outbox = new OutboxFixture(database);
    }

    @Test
    void anUpdateChosenAsADeadlockVictimIsRetriedAndSucceeds() throws Exception {
        outbox.reset();
        outbox.publishKeys("a", "b");
        List<OutboxRow> claimed = outbox.store.claim("relay-1", 2, Duration.ofMinutes(1));
        long first = claimed.get(0).id();
        long second = claimed.get(1).id();
        long deadlocksBefore = deadlocks();
        try (Connection other = outbox.database.dataSource().getConnection()) {
            other.setAutoCommit(false);
            try (Statement statement = other.createStatement()) {
                // the store's session keeps the default 1 s, so it is the one that finds the deadlock and is rolled back
                statement.execute("SET LOCAL deadlock_timeout = '30s'");
                statement.execute("SELECT id FROM orders_outbox WHERE id = " + second + " FOR UPDATE");
            }
            CompletableFuture<Integer> marking = CompletableFuture.supplyAsync(
                    () -> outbox.store.markPublished("relay-1", List.of(first, second)));
            await().atMost(Duration.ofSeconds(10)).until(() -> waitingOnLocks() == 1);   // store holds the first row, waits for the second
            CompletableFuture<Void> closingTheCycle = CompletableFuture.runAsync(() -> {
                try (Statement statement = other.createStatement()) {
                    statement.execute("SELECT id FROM orders_outbox WHERE id = " + first + " FOR UPDATE");
                    other.commit();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(marking.get()).isEqualTo(2);
            closingTheCycle.get();
        }
        // the cumulative statistics are flushed lazily (at most once a second per session)
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(deadlocks()).isGreaterThan(deadlocksBefore));
        assertThat(outbox.store.find(claimed.get(0).eventId()).orElseThrow().state()).isEqualTo(OutboxState.PUBLISHED);
        assertThat(outbox.store.find(claimed.get(1).eventId()).orElseThrow().state()).isEqualTo(OutboxState.PUBLISHED);
    }

    @Test
    void consumeDoesNotRunTheCallersWorkAgainWhenItLosesAConflict() throws Exception {
        outbox.reset();
        java.util.UUID eventId = outbox.publishKeys("a").get(0);
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> outbox.store.consume(eventId, connection -> {
            runs.incrementAndGet();
            throw new java.sql.SQLException("deadlock detected in the handler's own statement", "40P01");
        })).isInstanceOf(dev.mailroom.jdbc.TransactionConflictException.class);
        assertThat(runs).as("a handler may act outside the database: the inbox worker retries it with backoff")
                .hasValue(1);
        assertThat(outbox.store.find(eventId).orElseThrow().state()).isEqualTo(OutboxState.PENDING);
    }

    private long deadlocks() throws Exception {
        return outbox.queryLong("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()");
    }

    private long waitingOnLocks() throws Exception {
        try (Connection connection = outbox.database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_stat_activity"
                     + " WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE%orders_outbox%'"
                     + " AND application_name = current_setting('application_name')")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
