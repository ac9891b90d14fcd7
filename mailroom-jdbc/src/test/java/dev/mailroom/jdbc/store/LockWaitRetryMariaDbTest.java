package dev.mailroom.jdbc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.mailroom.jdbc.OutboxFixture;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.state.OutboxState;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithMariaDb;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * MariaDB only: a lock wait timeout (1205) rolls back only the statement, and the store treats it
 * like a deadlock, running its whole transaction again. (On PostgreSQL a lock timeout is not a
 * conflict, so nothing is retried there.)
 */
@WithMariaDb
class LockWaitRetryMariaDbTest {

    @Test
    void aStoreTransactionThatTimesOutWaitingForARowLockIsRunAgainAndLosesNothing(TestDatabase database)
            throws Exception {
        OutboxFixture outbox = new OutboxFixture(database);
        outbox.reset();
        outbox.publishKeys("a", "b");
        List<OutboxRow> claimed = outbox.store.claim("relay-1", 2, Duration.ofMinutes(1));
        try (HikariDataSource impatient = new HikariDataSource()) {
            impatient.setJdbcUrl(database.jdbcUrl());
            impatient.setUsername(database.user());
            impatient.setPassword(database.password());
            impatient.setConnectionInitSql("SET SESSION innodb_lock_wait_timeout = 1");
            CountingDataSource counted = new CountingDataSource(impatient);
            OutboxStore store = OutboxStore.create(counted.dataSource(), outbox.dialect, OutboxFixture.ORDERS.table(),
                    RetryPolicy.defaults());
            CompletableFuture<Integer> marking;
            try (Connection blocker = database.openConnection();
                 Statement statement = blocker.createStatement()) {
                blocker.setAutoCommit(false);
                statement.execute("SELECT id FROM orders_outbox WHERE id = " + claimed.get(1).id() + " FOR UPDATE");
                marking = CompletableFuture.supplyAsync(() -> store.markPublished("relay-1", OutboxFixture.ids(claimed)));
                await().atMost(Duration.ofSeconds(10)).until(() -> counted.takenSoFar() >= 2);
                blocker.rollback();
            }
            assertThat(marking.get(30, TimeUnit.SECONDS)).isEqualTo(2);
            assertThat(counted.taken()).as("tries: at least one timed out").isBetween(2, 4);
        }
        for (OutboxRow row : claimed) {
            assertThat(outbox.store.find(row.eventId()).orElseThrow().state()).isEqualTo(OutboxState.PUBLISHED);
        }
        assertThat(outbox.count("orders_outbox")).isEqualTo(2);
    }
}
