package dev.mailroom.jdbc.store;

import static dev.mailroom.jdbc.OutboxFixture.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.mailroom.jdbc.OutboxFixture;
import dev.mailroom.jdbc.StoreException;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.testkit.db.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A store with a lock timeout: the database ends a relay transaction that hangs, and its locks with it. */
abstract class LockTimeoutContract {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private OutboxFixture outbox;
    private OutboxStore store;

    @BeforeEach
    void emptyTable(TestDatabase database) throws SQLException {
        outbox = new OutboxFixture(database);
        store = outbox.store.withLockTimeout(TIMEOUT);
        outbox.reset();
    }

    @Test
    void aRowLockBatchIdleLongerThanTheTimeoutIsEndedByTheDatabaseAndItsRowsGoToTheNextClaimer() throws Exception {
        outbox.publishKeys("a", "b", "a");
        LockedBatch hung = store.lockOrNextDue(10, true);
        assertThat(ids(hung.rows())).containsExactly(1L, 2L);
        long lockedAt = System.nanoTime();
        try (LockedBatch meanwhile = outbox.store.lockOrNextDue(10, true)) {
            assertThat(meanwhile.rows()).as("locked, and row 3 waits for its key").isEmpty();
        }

        await().atMost(TIMEOUT.plusSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> {
            outbox.ageUnheldClaimRecords();
            try (LockedBatch next = outbox.store.lockOrNextDue(10, true)) {
                return ids(next.rows()).equals(List.of(1L, 2L));
            }
        });
        assertThat(Duration.ofNanos(System.nanoTime() - lockedAt)).as("not before the timeout")
                .isGreaterThanOrEqualTo(TIMEOUT);

        assertThatThrownBy(() -> hung.settle(List.of(1L, 2L), List.of())).as("the ended session settles nothing")
                .isInstanceOf(StoreException.class);
        assertThat(rows("status = 'pending' AND published_at IS NULL")).isEqualTo(3);
        assertThat(rows("id IN (1, 2) AND attempts >= 1 AND last_error LIKE '%died or lost its database connection%'"))
                .as("the ended session's attempt counted by the next claim (as each unsettled one after it)").isEqualTo(2);
        assertThat(rows("id = 3 AND attempts = 0")).isOne();
        outbox.ageClaimRecords();
        try (LockedBatch afterwards = store.lockOrNextDue(10, true)) {
            assertThat(ids(afterwards.rows())).as("the store works on").containsExactly(1L, 2L);
            afterwards.settle(List.of(1L, 2L), List.of());
        }
        assertThat(rows("status = 'published'")).isEqualTo(2);
    }

    @Test
    void aStatementWaitingLongerThanTheTimeoutIsCancelled() throws Exception {
        outbox.publishKeys("a");
        List<OutboxRow> leased = store.claim("relay-a", 10, Duration.ofMinutes(1));
        assertThat(leased).hasSize(1);
        try (Connection blocker = outbox.database.openConnection();
             Statement statement = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            statement.execute("SELECT id FROM orders_outbox WHERE id = 1 FOR UPDATE");
            long start = System.nanoTime();

            assertThatThrownBy(() -> store.markPublished("relay-a", List.of(1L)))
                    .isInstanceOfSatisfying(StoreException.class,
                            e -> assertThat(e.sqlState()).isEqualTo(outbox.sql.statementTimeoutSqlState()));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(TIMEOUT, TIMEOUT.plusSeconds(5));
            blocker.rollback();
        }
        assertThat(store.markPublished("relay-a", List.of(1L))).as("the next transaction runs").isOne();
    }

    @Test
    void theTimeoutEndsWithTheTransactionAndLeavesThePooledSessionsAsTheyWere() throws Exception {
        outbox.publishKeys("a", "b");
        try (HikariDataSource twoSessions = new HikariDataSource()) {
            twoSessions.setJdbcUrl(outbox.database.jdbcUrl());
            twoSessions.setUsername(outbox.database.user());
            twoSessions.setPassword(outbox.database.password());
            // a row-lock claim records its rows in the claim journal on a second session
            twoSessions.setMaximumPoolSize(2);
            OutboxStore onTwoSessions = OutboxStore.create(twoSessions, outbox.dialect, OutboxFixture.ORDERS.table(),
                    RetryPolicy.defaults()).withLockTimeout(TIMEOUT);
            List<String> fresh;
            int freshIsolation;
            try (Connection session = twoSessions.getConnection()) {
                fresh = timeouts(session);
                freshIsolation = session.getTransactionIsolation();
            }
            try (LockedBatch batch = onTwoSessions.lockOrNextDue(1, false)) {
                batch.settle(List.of(1L), List.of());
            }
            assertThat(onTwoSessions.claim("relay-a", 1, Duration.ofMinutes(1))).hasSize(1);
            try (Connection first = twoSessions.getConnection(); Connection second = twoSessions.getConnection()) {
                for (Connection session : List.of(first, second)) {
                    assertThat(timeouts(session)).as("as the session came").isEqualTo(fresh);
                    assertThat(session.getTransactionIsolation()).isEqualTo(freshIsolation);
                    assertThat(session.getAutoCommit()).isTrue();
                }
            }
        }
    }

    @Test
    void aTimeoutBelowOneMillisecondIsRefused() {
        assertThatThrownBy(() -> outbox.store.withLockTimeout(Duration.ZERO)).hasMessageContaining("lock timeout");
        assertThatThrownBy(() -> outbox.store.withLockTimeout(null)).hasMessageContaining("lock timeout");
    }

    private List<String> timeouts(Connection session) throws SQLException {
        try (Statement statement = session.createStatement();
             ResultSet rs = statement.executeQuery(outbox.sql.sessionTimeouts())) {
            rs.next();
            return List.of(rs.getString(1), rs.getString(2));
        }
    }

    private long rows(String where) throws SQLException {
        return outbox.queryLong("SELECT count(*) FROM orders_outbox WHERE " + where);
    }
}
