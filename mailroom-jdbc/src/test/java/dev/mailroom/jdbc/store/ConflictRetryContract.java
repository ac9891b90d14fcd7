package dev.mailroom.jdbc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mailroom.jdbc.OutboxFixture;
import dev.mailroom.jdbc.TransactionConflictException;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.state.OutboxState;
import dev.mailroom.testkit.db.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A store operation the database rolls back for a deadlock is run again, not failed, and loses nothing. */
abstract class ConflictRetryContract {

    private OutboxFixture outbox;
    private CountingDataSource counted;
    private OutboxStore store;

    @BeforeEach
    void emptyTable(TestDatabase database) throws Exception {
        outbox = new OutboxFixture(database);
        outbox.reset();
        counted = new CountingDataSource(database.dataSource());
        store = OutboxStore.create(counted.dataSource(), outbox.dialect, OutboxFixture.ORDERS.table(),
                RetryPolicy.defaults());
    }

    @Test
    void anUpdateChosenAsADeadlockVictimIsRetriedAndSucceeds() throws Exception {
        outbox.publishKeys("a", "b");
        List<OutboxRow> claimed = store.claim("relay-1", 2, Duration.ofMinutes(1));
        long first = claimed.get(0).id();
        long second = claimed.get(1).id();
        outbox.publishCommitted(30);   // rows the other transaction may change to outweigh the store's
        try (Connection other = outbox.database.dataSource().getConnection()) {
            other.setAutoCommit(false);
            try (Statement statement = other.createStatement()) {
                statement.execute(outbox.sql.outlastDeadlocks("orders_outbox", second));
                statement.execute("SELECT id FROM orders_outbox WHERE id = " + second + " FOR UPDATE");
            }
            counted.taken();
            CompletableFuture<Integer> marking = CompletableFuture.supplyAsync(
                    () -> store.markPublished("relay-1", List.of(first, second)));
            // the store holds the first row and waits for the second
            await().atMost(Duration.ofSeconds(10)).until(() -> outbox.queryLong(
                    outbox.sql.sessionsWaitingOnLocks("UPDATE orders_outbox")) == 1);
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
        assertThat(counted.taken()).as("the store's transaction was the victim, and ran again").isEqualTo(2);
        assertThat(outbox.store.find(claimed.get(0).eventId()).orElseThrow().state()).isEqualTo(OutboxState.PUBLISHED);
        assertThat(outbox.store.find(claimed.get(1).eventId()).orElseThrow().state()).isEqualTo(OutboxState.PUBLISHED);
        assertThat(outbox.queryLong("SELECT count(*) FROM orders_outbox")).as("nothing lost").isEqualTo(32);
    }

    @Test
    void consumeDoesNotRunTheCallersWorkAgainWhenItLosesAConflict() throws Exception {
        UUID eventId = outbox.publishKeys("a").get(0);
        AtomicInteger runs = new AtomicInteger();
        counted.taken();
        assertThatThrownBy(() -> store.consume(eventId, connection -> {
            runs.incrementAndGet();
            throw outbox.sql.deadlock("deadlock detected in the handler's own statement");
        })).isInstanceOf(TransactionConflictException.class);
        assertThat(runs).as("a handler may act outside the database: the inbox worker retries it with backoff")
                .hasValue(1);
        assertThat(counted.taken()).isOne();
        assertThat(outbox.store.find(eventId).orElseThrow().state()).isEqualTo(OutboxState.PENDING);
    }
}
