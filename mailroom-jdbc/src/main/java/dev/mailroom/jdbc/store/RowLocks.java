package dev.mailroom.jdbc.store;

import dev.mailroom.jdbc.dialect.OutboxOperations;
import dev.mailroom.retry.RetryPolicy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Claims by row lock, the transaction left open for the caller to settle (see {@link LockedBatch}). */
final class RowLocks {

    /**
     * What {@link #lockOrNextDue} answers when due rows exist that it could not lock: another
     * claimer holds them (or their keys), and finishing sends no notification, so look again soon.
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
     * rolled back by the next death), and the claim runs once more.
     */
    LockedBatch lockOrNextDue(int limit, boolean inKeyOrder) {
        StoreJdbc.requireLimit(limit);
        OutboxOperations.RowMapper<OutboxRow> mapper = StoreJdbc.rows(transactions);
        for (int round = 1; ; round++) {
            StoreTransactions.OpenTransaction open = null;
            try {
                open = transactions.openClaimTransaction();
                Connection connection = open.connection();
                List<OutboxRow> rows = ClaimOrder.claimable(connection, operations, inKeyOrder, limit,
                        (keyOrdered, window) -> operations.lock(connection, keyOrdered, window, limit, mapper));
                if (!rows.isEmpty() && round == 1 && journal.anyLostClaim(connection)) {
                    open.end();
                    open = null;
                    journal.countLostClaims();
                    continue;
                }
                if (!rows.isEmpty()) {
                    return batch(open, journal.record(connection, rows), rows, Optional.empty());
                }
                journal.countLostClaims(connection);
                Optional<Duration> nextDue = operations.nextDueIn(connection);
                if (nextDue.isEmpty() && operations.anyDuePending(connection)) {
                    nextDue = Optional.of(operations.anyKeyHeld(connection) ? HELD_KEYS_RECHECK : HELD_ROWS_RECHECK);
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
