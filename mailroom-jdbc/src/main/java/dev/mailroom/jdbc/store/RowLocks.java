package dev.mailroom.jdbc.store;

import dev.mailroom.jdbc.dialect.OutboxOperations;
import dev.mailroom.retry.RetryPolicy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Claims by row lock, the transaction left open for the caller to settle (see {@link LockedBatch}). */
final class RowLocks {

    /**
     * What {@link #lockOrNextDue} answers when due rows exist that it could not lock: another
     * claimer holds them (or their keys), and finishing sends no notification, so look again soon.
     * Also when rows it locked are named by a lost claim's record not counted yet.
     */
    static final Duration HELD_ROWS_RECHECK = Duration.ofMillis(200);
    /**
     * The same, when a dead row holds its key: the due rows left may all wait for an operator, and
     * each look walks the whole backlog, so look less often (lease claims look this often too, to
     * see a key an operator freed).
     */
    static final Duration HELD_KEYS_RECHECK = Duration.ofSeconds(1);

    private final StoreTransactions transactions;
    private final OutboxOperations operations;
    private final RetryPolicy retryPolicy;
    private final boolean deletePublished;
    private final ClaimJournal journal;

    RowLocks(StoreTransactions transactions, OutboxOperations operations, RetryPolicy retryPolicy,
             boolean deletePublished) {
        this.transactions = transactions;
        this.operations = operations;
        this.retryPolicy = retryPolicy;
        this.deletePublished = deletePublished;
        this.journal = new ClaimJournal(transactions, operations);
    }

    /**
     * Locks a batch and records it in the claim journal. A record no transaction holds names rows
     * whose claim was lost: looked for after the lock, so a claim lost just before it cannot slip
     * by (its rows and its record are freed together). If there is one, the rows are given back, the
     * lost claims are counted and committed (a count made in the batch's transaction would be
     * rolled back by the next death), and the claim runs once more. If the second round finds an
     * unheld record naming rows it locked (one the dialect counts only once it is older than a
     * grace, or a claim lost meanwhile), it sends nothing: the answer is empty and due again in
     * {@link #HELD_ROWS_RECHECK}. A live claim's record never names rows another claim locked, so
     * only lost claims hold a claim back, and only from their own rows.
     */
    LockedBatch lockOrNextDue(int limit, boolean inKeyOrder) {
        StoreJdbc.requireLimit(limit);
        OutboxOperations.RowMapper<OutboxRow> mapper = StoreJdbc.rows(transactions);
        for (int round = 1; ; round++) {
            StoreTransactions.OpenTransaction open = null;
            try {
                open = transactions.openClaimTransaction();
                Connection connection = open.connection();
                IdleQuestions idle = new IdleQuestions(connection, operations);
                List<OutboxRow> rows = ClaimOrder.claimable(inKeyOrder, limit,
                        (keyOrdered, window) -> operations.lock(connection, keyOrdered, window, limit, mapper),
                        idle::keysHeldBack);
                if (!rows.isEmpty()) {
                    OptionalLong record = round == 1 && idle.sawLostClaim() ? OptionalLong.empty()
                            : journal.record(connection, rows);
                    if (record.isEmpty()) {
                        open.end();
                        open = null;
                        journal.countLostClaims();
                        if (round == 1) {
                            continue;
                        }
                        return batch(null, 0, List.of(), Optional.of(HELD_ROWS_RECHECK));
                    }
                    return batch(open, record.getAsLong(), rows, Optional.empty());
                }
                // rows whose lost claim was counted are due at once
                boolean counted = idle.mayHoldLostClaims() && journal.countLostClaims(connection) > 0;
                Optional<Duration> nextDue = counted ? Optional.of(Duration.ZERO) : idle.nextDueIn();
                if (nextDue.isEmpty() && idle.anyDuePending()) {
                    nextDue = Optional.of(idle.anyKeyHeld() ? HELD_KEYS_RECHECK : HELD_ROWS_RECHECK);
                }
                connection.commit();
                open.end();
                return batch(null, 0, rows, nextDue);
            } catch (SQLException | RuntimeException e) {
                if (open != null) {
                    open.end();
                }
                throw e instanceof SQLException sqlError ? transactions.translate("lock", sqlError) : (RuntimeException) e;
            }
        }
    }

    private LockedBatch batch(StoreTransactions.OpenTransaction open, long record, List<OutboxRow> rows,
                              Optional<Duration> nextDue) {
        return new LockedBatch(open, record, operations, transactions, retryPolicy, deletePublished, rows,
                nextDue);
    }
}
