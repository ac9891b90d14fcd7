package dev.mailroom.jdbc.store;

import dev.mailroom.jdbc.dialect.OutboxOperations;
import dev.mailroom.jdbc.dialect.PartitionLeaseOperations;
import dev.mailroom.retry.RetryPolicy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
        return lockOrNextDue(connection -> new Locked(ClaimOrder.claimable(connection, operations, inKeyOrder, limit,
                (keyOrdered, window) -> operations.lock(connection, keyOrdered, window, limit, mapper)), null));
    }

    /**
     * Locks a batch within leased partitions, passing by what the claimer holds in other batches
     * ({@code held}'s ids and keys), and hands out the oldest row of each key among the rows locked;
     * the others stay locked with the batch (its hold names them), unsent, so no later row of their
     * keys goes before them. The batch is settled only while the claimer still holds its
     * partitions' leases at the epochs of {@code epochs}.
     */
    LockedBatch lockInPartitions(PartitionLeaseOperations leases, String owner, Map<Integer, Long> epochs,
                                 Collection<Long> heldIds, Collection<String> heldKeys, int limit) {
        StoreJdbc.requireOwner(owner);
        StoreJdbc.requireLimit(limit);
        OutboxOperations.RowMapper<OutboxRow> mapper = StoreJdbc.rows(transactions);
        PartitionLeaseOperations.PartitionClaim claim =
                new PartitionLeaseOperations.PartitionClaim(epochs.keySet(), heldIds, heldKeys, limit);
        return lockOrNextDue(connection -> {
            List<PartitionLeaseOperations.PartitionedRow<OutboxRow>> locked = leases.lock(connection, claim, mapper);
            List<OutboxRow> oldestOfTheirKeys = new ArrayList<>();
            Set<String> keys = new HashSet<>();
            Set<Long> ids = new HashSet<>();
            Map<Integer, Long> lockedEpochs = new HashMap<>();
            for (PartitionLeaseOperations.PartitionedRow<OutboxRow> row : locked) {
                ids.add(row.row().id());
                lockedEpochs.put(row.partition(), epochs.get(row.partition()));
                String key = row.row().key();
                if (key == null || keys.add(key)) {
                    oldestOfTheirKeys.add(row.row());
                }
            }
            return new Locked(oldestOfTheirKeys, new PartitionHold(owner, lockedEpochs, ids, keys));
        });
    }

    /** The rows a claim locked and hands out, and what it holds under partition leases (null otherwise). */
    private record Locked(List<OutboxRow> rows, PartitionHold hold) {
    }

    @FunctionalInterface
    private interface Locking {
        Locked lock(Connection connection) throws SQLException;
    }

    private LockedBatch lockOrNextDue(Locking locking) {
        for (int round = 1; ; round++) {
            StoreTransactions.OpenTransaction open = null;
            try {
                open = transactions.openClaimTransaction();
                Connection connection = open.connection();
                Locked locked = locking.lock(connection);
                List<OutboxRow> rows = locked.rows();
                if (!rows.isEmpty() && round == 1 && journal.anyLostClaim(connection)) {
                    open.end();
                    open = null;
                    journal.countLostClaims();
                    continue;
                }
                if (!rows.isEmpty()) {
                    return batch(open, journal.record(connection, rows), rows, Optional.empty(), locked.hold());
                }
                journal.countLostClaims(connection);
                Optional<Duration> nextDue = operations.nextDueIn(connection);
                if (nextDue.isEmpty() && operations.anyDuePending(connection)) {
                    nextDue = Optional.of(operations.anyKeyHeld(connection) ? HELD_KEYS_RECHECK : HELD_ROWS_RECHECK);
                }
                connection.commit();
                open.end();
                return batch(null, 0, rows, nextDue, null);
            } catch (SQLException | RuntimeException e) {
                if (open != null) {
                    open.end();
                }
                throw e instanceof SQLException sqlError ? transactions.translate("lock", sqlError) : (RuntimeException) e;
            }
        }
    }

    private LockedBatch batch(StoreTransactions.OpenTransaction open, long record, List<OutboxRow> rows,
                              Optional<Duration> nextDue, PartitionHold hold) {
        return new LockedBatch(open, record, operations, journal, transactions, retryPolicy, deletePublished, rows,
                nextDue, hold);
    }
}
