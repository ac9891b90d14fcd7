package dev.mailroom.jdbc.store;

import static dev.mailroom.jdbc.OutboxFixture.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mailroom.jdbc.OutboxFixture;
import dev.mailroom.jdbc.StoreException;
import dev.mailroom.state.OutboxState;
import dev.mailroom.testkit.db.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Claims by row lock: rows stay pending and locked by an open transaction, and are settled in it. */
abstract class RowLockClaimContract {

    private OutboxFixture outbox;
    private OutboxStore store;

    @BeforeEach
    void emptyTable(TestDatabase database) throws SQLException {
        outbox = new OutboxFixture(database);
        store = outbox.store;
        outbox.reset();
    }

    @Test
    void lockedRowsStayPendingAreSkippedByOtherClaimersAndHoldBackTheirKeys() throws Exception {
        outbox.publishKeys("a", "b", "a", null, null, "b");
        try (LockedBatch first = store.lockOrNextDue(10, true)) {
            assertThat(ids(first.rows())).containsExactly(1L, 2L, 4L, 5L);
            assertThat(rows("status = 'pending'")).as("locking writes no row").isEqualTo(6);

            try (LockedBatch second = store.lockOrNextDue(10, true)) {
                assertThat(second.rows()).as("1, 2, 4, 5 are locked; 3 and 6 wait for their keys").isEmpty();
                assertThat(second.nextDueIn()).contains(OutboxStore.HELD_ROWS_RECHECK);
            }
            assertThat(ids(store.claim("lease-relay", 10, Duration.ofMinutes(1))))
                    .as("an unordered lease claim skips the locked rows").containsExactly(3L, 6L);
            store.release("lease-relay", List.of(3L, 6L));

            assertThat(first.settle(List.of(1L, 2L, 4L, 5L), List.of())).isEmpty();
        }
        assertThat(rows("status = 'published' AND attempts = 0 AND published_at IS NOT NULL"
                + " AND lease_owner IS NULL")).isEqualTo(4);
        try (LockedBatch next = store.lockOrNextDue(10, true)) {
            assertThat(ids(next.rows())).containsExactly(3L, 6L);
        }
    }

    @Test
    void aFailedAttemptIsCountedWithBackoffAndTheRowIsDeadAtItsMaxAttempts() throws Exception {
        outbox.publishKeys("a", "a");
        outbox.execute("UPDATE orders_outbox SET max_attempts = 2");
        Map<Long, OutboxState> states;
        try (LockedBatch batch = store.lockOrNextDue(10, true)) {
            states = batch.settle(List.of(), List.of(new DeliveryFailure(batch.rows().get(0), "broker down")));
        }
        assertThat(states).containsExactly(Map.entry(1L, OutboxState.PENDING));
        assertThat(claimRecords()).as("a batch settled with failures only leaves no record").isZero();
        assertThat(rows("id = 1 AND status = 'pending' AND attempts = 1 AND last_error = 'broker down'"
                + " AND next_attempt_at > " + outbox.sql.now())).isOne();
        try (LockedBatch waiting = store.lockOrNextDue(10, true)) {
            assertThat(waiting.rows()).as("row 2 waits behind row 1's retry").isEmpty();
            assertThat(waiting.nextDueIn()).hasValueSatisfying(due -> assertThat(due).isPositive());
        }

        outbox.execute("UPDATE orders_outbox SET next_attempt_at = " + outbox.sql.now() + " WHERE id = 1");
        try (LockedBatch retry = store.lockOrNextDue(10, true)) {
            states = retry.settle(List.of(), List.of(new DeliveryFailure(retry.rows().get(0), "still down")));
        }
        assertThat(states).containsExactly(Map.entry(1L, OutboxState.DEAD));
        try (LockedBatch after = store.lockOrNextDue(10, true)) {
            assertThat(ids(after.rows())).as("a dead row frees its key").containsExactly(2L);
        }
    }

    @Test
    void closingWithoutSettlingGivesTheRowsBackAndTheNextClaimCountsTheAttempt() throws Exception {
        outbox.publishKeys("a", "b");
        try (LockedBatch batch = store.lockOrNextDue(10, false)) {
            assertThat(batch.rows()).hasSize(2);
            assertThat(claimRecords()).as("recorded before the rows are handed out").isOne();
        }
        outbox.ageClaimRecords();
        try (LockedBatch again = store.lockOrNextDue(10, false)) {
            assertThat(ids(again.rows())).containsExactly(1L, 2L);
            assertThat(again.rows()).allSatisfy(row -> {
                assertThat(row.attempts()).isOne();
                assertThat(row.lastError()).isEqualTo(ClaimJournal.LOST_CLAIM_ERROR);
            });
            assertThat(claimRecords()).as("the lost claim's record removed, this claim's written").isOne();
            again.settle(List.of(1L, 2L), List.of());
        }
        assertThat(claimRecords()).as("a settled batch leaves no record").isZero();
    }

    /**
     * The claim looks past its window (a retry holds the window's keys back) and finds a lost
     * claim's row there: the lost claim is counted before the row is handed out. On PostgreSQL the
     * window's empty answer asks its questions in one statement, which locks the unheld record it
     * sees; the record's own statement, on another connection, would then pass it by.
     */
    @Test
    void aLostClaimSeenWhileLookingPastTheWindowIsCountedBeforeItsRowsAreHandedOut() throws Exception {
        outbox.publishKeys("a", "a", "a", "a", "a", "b");
        outbox.execute("UPDATE orders_outbox SET attempts = 1, next_attempt_at = " + outbox.sql.nowPlus(Duration.ofSeconds(30))
                + " WHERE id = 1");
        outbox.insertLostClaimRecord(outbox.sql.idList(6L));
        try (LockedBatch batch = store.lockOrNextDue(1, true)) {
            assertThat(ids(batch.rows())).as("rows 2-5 wait behind row 1's retry").containsExactly(6L);
            assertThat(batch.rows().get(0).attempts()).as("the lost claim's attempt counted").isOne();
            assertThat(batch.rows().get(0).lastError()).isEqualTo(ClaimJournal.LOST_CLAIM_ERROR);
            assertThat(claimRecords()).as("the lost claim's record removed, this claim's written").isOne();
            batch.settle(List.of(6L), List.of());
        }
        assertThat(claimRecords()).isZero();
    }

    @Test
    void aClaimThatFindsNothingButCountsALostClaimLooksAgainAtOnce() throws Exception {
        outbox.publishKeys("a", "a");
        outbox.execute("UPDATE orders_outbox SET attempts = 1, next_attempt_at = " + outbox.sql.nowPlus(Duration.ofSeconds(30))
                + " WHERE id = 1");
        outbox.insertLostClaimRecord(outbox.sql.idList(2L));
        try (LockedBatch nothing = store.lockOrNextDue(10, true)) {
            assertThat(nothing.rows()).as("row 2 waits behind row 1's retry").isEmpty();
            assertThat(nothing.nextDueIn()).as("the counted row may be claimable now").contains(Duration.ZERO);
        }
        assertThat(rows("id = 2 AND attempts = 1 AND last_error = '" + ClaimJournal.LOST_CLAIM_ERROR + "'")).isOne();
        assertThat(claimRecords()).isZero();
    }

    @Test
    void aRowWhoseClaimingSessionKeepsDyingIsDeadAtItsMaxAttemptsAndHoldsItsKey() throws Exception {
        OutboxStore holding = store.withKeysHeldByDeadEventsOf(java.util.Set.of("order.placed"));
        outbox.publishKeys("a", "a", "b");
        outbox.execute("UPDATE orders_outbox SET max_attempts = 2 WHERE id = 1");
        for (int death = 1; death <= 2; death++) {
            LockedBatch batch = holding.lockOrNextDue(10, true);
            assertThat(ids(batch.rows())).as("death " + death).containsExactly(1L, 3L);
            // MariaDB's information_schema.innodb_trx is a snapshot refreshed at most every 100 ms
            await("the batch's session ended").atMost(Duration.ofSeconds(5)).until(this::endIdleTransactions, ended -> ended == 1);
            assertThatThrownBy(() -> batch.settle(List.of(1L, 3L), List.of())).isInstanceOf(StoreException.class);
            outbox.ageClaimRecords();
        }
        try (LockedBatch after = holding.lockOrNextDue(10, true)) {
            assertThat(ids(after.rows())).as("row 1 dead and holding key a; row 3 retried").containsExactly(3L);
            assertThat(after.rows().get(0).attempts()).isEqualTo(2);
            after.settle(List.of(3L), List.of());
        }
        assertThat(rows("id = 1 AND status = 'dead' AND attempts = 2 AND holds_key AND last_error = '"
                + ClaimJournal.LOST_CLAIM_ERROR + "'")).isOne();
        assertThat(rows("id = 2 AND status = 'pending' AND attempts = 0")).as("held behind its key").isOne();
        assertThat(claimRecords()).isZero();
    }

    /**
     * A record no transaction holds whose rows a live claim locked (its own claim between its commit
     * of the record and its hold, or a lost claim whose rows were taken) holds back no other rows:
     * nothing is counted for rows held, and once they are published the record is forgotten.
     */
    @Test
    void aClaimPassesByTheRecordsOfLiveClaimsAndForgetsRecordsOfRowsNoLongerPending() throws Exception {
        outbox.publishKeys("a", "b", "c", "d");
        try (LockedBatch first = store.lockOrNextDue(2, false)) {
            outbox.insertLostClaimRecord(outbox.sql.idList(1L, 2L));
            try (LockedBatch second = store.lockOrNextDue(10, false)) {
                assertThat(ids(second.rows())).containsExactly(3L, 4L);
                assertThat(rows("attempts = 0")).as("no attempt counted for rows held by a live claim").isEqualTo(4);
                assertThat(claimRecords()).isEqualTo(3);
                second.settle(List.of(3L, 4L), List.of());
            }
            first.settle(List.of(1L, 2L), List.of());
        }
        assertThat(claimRecords()).as("the unheld record of rows 1, 2").isOne();
        try (LockedBatch nothing = store.lockOrNextDue(10, false)) {
            assertThat(nothing.rows()).isEmpty();
        }
        assertThat(claimRecords()).as("rows published: the record is forgotten").isZero();
        assertThat(rows("status = 'published' AND attempts = 0")).isEqualTo(4);
    }

    @Test
    void claimJournalRecordsWrittenByHandWithNoOrUnreadableIdsAreForgottenAndStopNoClaim() throws Exception {
        outbox.publishKeys("a", "b");
        outbox.insertLostClaimRecord(outbox.sql.idList());
        outbox.insertLostClaimRecord(outbox.sql.malformedIdList());
        try (LockedBatch batch = store.lockOrNextDue(10, false)) {
            assertThat(ids(batch.rows())).containsExactly(1L, 2L);
            batch.settle(List.of(1L, 2L), List.of());
        }
        assertThat(rows("status = 'published' AND attempts = 0")).as("no attempt counted for them").isEqualTo(2);
        assertThat(claimRecords()).isZero();
    }

    @Test
    void aRowMarkedDeadInTheBatchIsDeadWithItsReasonOnceSettled() throws Exception {
        outbox.publishKeys("a", "b");
        try (LockedBatch batch = store.lockOrNextDue(10, false)) {
            assertThat(batch.markDead(batch.rows().get(0), "No route for event type 'x'")).isTrue();
            batch.settle(List.of(2L), List.of());
        }
        assertThat(rows("id = 1 AND status = 'dead' AND last_error LIKE 'No route%'")).isOne();
        assertThat(rows("id = 2 AND status = 'published'")).isOne();
    }

    @Test
    void aConnectionLostBeforeTheSettlementIsAStoreErrorAndLosesNothing() throws Exception {
        outbox.publishKeys("a", "b");
        LockedBatch batch = store.lockOrNextDue(10, false);
        await("the batch's session ended").atMost(Duration.ofSeconds(5)).until(this::endIdleTransactions, ended -> ended == 1);

        assertThatThrownBy(() -> batch.settle(List.of(1L, 2L), List.of())).isInstanceOf(StoreException.class);
        assertThat(rows("status = 'pending' AND attempts = 0")).isEqualTo(2);
        outbox.ageClaimRecords();
        try (LockedBatch again = store.lockOrNextDue(10, false)) {
            assertThat(again.rows()).hasSize(2).allSatisfy(row -> assertThat(row.attempts())
                    .as("the lost session's attempt, counted by this claim").isOne());
        }
    }

    @Test
    void aStoreKeepingNoHistoryDeletesDeliveredRowsAndKeepsFailedOnes() throws Exception {
        OutboxStore deleting = store.withPublishedRowsDeleted();
        outbox.publishKeys("a", "b", "c", "d");
        try (LockedBatch batch = deleting.lockOrNextDue(2, false)) {
            batch.settle(List.of(1L), List.of(new DeliveryFailure(batch.rows().get(1), "broker down")));
        }
        assertThat(claimRecords()).isZero();
        List<OutboxRow> leased = deleting.claim("lease-relay", 10, Duration.ofMinutes(1));
        assertThat(ids(leased)).containsExactly(3L, 4L);
        assertThat(deleting.markPublished("other-relay", List.of(3L))).as("fenced on the lease owner").isZero();
        assertThat(deleting.markPublished("lease-relay", List.of(3L, 4L))).isEqualTo(2);

        assertThat(rows("1 = 1")).isOne();
        assertThat(rows("id = 2 AND status = 'pending' AND attempts = 1")).isOne();
    }

    @Test
    void aSettledBatchCannotBeUsedAgain() throws Exception {
        outbox.publishKeys("a");
        LockedBatch batch = store.lockOrNextDue(10, false);
        batch.settle(List.of(1L), List.of());

        assertThatThrownBy(() -> batch.settle(List.of(1L), List.of())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.lockOrNextDue(0, false)).isInstanceOf(IllegalArgumentException.class);
    }


    private long endIdleTransactions() throws SQLException {
        try (Connection connection = outbox.database.dataSource().getConnection()) {
            return outbox.sql.endIdleTransactions(connection);
        }
    }

    private long claimRecords() throws SQLException {
        return outbox.queryLong("SELECT count(*) FROM orders_outbox_claims");
    }

    private long rows(String where) throws SQLException {
        return outbox.queryLong("SELECT count(*) FROM orders_outbox WHERE " + where);
    }
}
