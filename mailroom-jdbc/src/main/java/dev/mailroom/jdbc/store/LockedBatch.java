package dev.mailroom.jdbc.store;

import dev.mailroom.jdbc.dialect.OutboxOperations;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.state.OutboxState;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rows claimed by row lock: they stay {@code pending}, locked by a transaction that is kept open
 * while they are sent, and are settled in that same transaction, so a delivered event costs one row
 * write. Other claimers skip the locked rows, and the key-ordered claim holds back later rows of
 * their keys. If the holder dies, its connection closes, the transaction rolls back and the rows
 * are claimable again at once; the batch's record in the claim journal, committed before the rows
 * were handed out, makes the next claim count that attempt (see {@code ClaimJournal}), so an event
 * that kills its relay ends dead. Not thread-safe: one thread sends and settles a batch.
 * {@link #close()} gives the connection back, rolling back what was not settled.
 */
public final class LockedBatch implements AutoCloseable {

    private final StoreTransactions.OpenTransaction transaction;
    private final long record;
    private final OutboxOperations operations;
    private final StoreTransactions transactions;
    private final RetryPolicy retryPolicy;
    private final boolean deletePublished;
    private final List<OutboxRow> rows;
    private final Optional<Duration> nextDueIn;
    private boolean open;

    LockedBatch(StoreTransactions.OpenTransaction transaction, long record, OutboxOperations operations,
                StoreTransactions transactions, RetryPolicy retryPolicy, boolean deletePublished, List<OutboxRow> rows,
                Optional<Duration> nextDueIn) {
        this.transaction = transaction;
        this.record = record;
        this.operations = operations;
        this.transactions = transactions;
        this.retryPolicy = retryPolicy;
        this.deletePublished = deletePublished;
        this.rows = List.copyOf(rows);
        this.nextDueIn = nextDueIn;
        this.open = transaction != null;
    }

    /** The locked rows in id order; empty when nothing was claimable. */
    public List<OutboxRow> rows() {
        return rows;
    }

    /** When no row was claimable: how long until one becomes claimable without a new insert. */
    public Optional<Duration> nextDueIn() {
        return nextDueIn;
    }

    /** Marks one locked row dead with a reason, in the batch's transaction (kept at {@link #settle}). */
    public boolean markDead(OutboxRow row, String reason) {
        requireOpen();
        return run("mark dead", () -> operations.markDead(transaction.connection(), row.id(), null,
                StoreJdbc.truncate(reason)));
    }

    /**
     * Marks the acknowledged rows published (or deletes them, for a store that
     * {@linkplain OutboxStore#withPublishedRowsDeleted() keeps no history}) and records the failed attempts (backoff from the retry
     * policy, {@code dead} at the row's max attempts), commits, and gives the connection back. Rows in
     * neither list stay pending, untouched. Returns the new state of each failed row.
     */
    public Map<Long, OutboxState> settle(Collection<Long> published, List<DeliveryFailure> failures) {
        requireOpen();
        try {
            return run("settle", () -> {
                Connection connection = transaction.connection();
                Map<Long, OutboxState> states = failures.isEmpty() ? Map.of()
                        : operations.markFailed(connection, LeasedRows.attempts(failures, retryPolicy), null);
                operations.settleLockedAndCommit(connection, published, record, deletePublished);
                return states;
            });
        } finally {
            close();
        }
    }

    /**
     * Rolls back whatever was not settled and gives the connection back. The rows stay pending and
     * the batch's record stays in the claim journal: the next claim that locks them counts one
     * attempt for each row (on MariaDB once the record is 2 s old), as for a relay that died (the
     * rows may have been sent; the lease mode counts such a batch too).
     */
    @Override
    public void close() {
        if (!open) {
            return;
        }
        open = false;
        transaction.end();
    }

    private void requireOpen() {
        if (!open) {
            throw new IllegalStateException("the batch was settled or closed already");
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run() throws SQLException;
    }

    private <T> T run(String operation, Work<T> work) {
        try {
            return work.run();
        } catch (SQLException e) {
            throw transactions.translate(operation, e);
        }
    }
}
