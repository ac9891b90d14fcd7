package dev.mailroom.jdbc.store;

import dev.mailroom.jdbc.dialect.FailedAttempt;
import dev.mailroom.jdbc.dialect.OutboxOperations;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.state.OutboxState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Claims by committed lease and every change made under one, each fenced on the lease owner (and
 * failures on the attempts seen at the claim): see the corresponding {@link OutboxStore} methods.
 */
final class LeasedRows {

    private final StoreTransactions transactions;
    private final OutboxOperations operations;
    private final RetryPolicy retryPolicy;
    private final boolean deletePublished;

    LeasedRows(StoreTransactions transactions, OutboxOperations operations, RetryPolicy retryPolicy,
               boolean deletePublished) {
        this.transactions = transactions;
        this.operations = operations;
        this.retryPolicy = retryPolicy;
        this.deletePublished = deletePublished;
    }

    ClaimResult claim(boolean inKeyOrder, String owner, int limit, Duration lease, boolean nextDueWhenEmpty) {
        StoreJdbc.requireOwner(owner);
        StoreJdbc.requireLimit(limit);
        OutboxOperations.RowMapper<OutboxRow> mapper = StoreJdbc.rows(transactions);
        return transactions.relay("claim", true, connection -> {
            List<OutboxRow> rows = ClaimOrder.claimable(connection, operations, inKeyOrder, limit,
                    (keyOrdered, window) -> operations.claim(connection,
                            new OutboxOperations.LeaseClaim(owner, lease, keyOrdered, window, limit), mapper));
            Optional<Duration> nextDue = rows.isEmpty() && nextDueWhenEmpty
                    ? operations.nextDueIn(connection) : Optional.empty();
            if (rows.isEmpty() && nextDueWhenEmpty && nextDue.isEmpty() && operations.anyKeyHeld(connection)) {
                // an operator may free a held key any moment (from another process, without waking anyone)
                nextDue = Optional.of(RowLocks.HELD_KEYS_RECHECK);
            }
            return new ClaimResult(rows, nextDue);
        });
    }

    int markPublished(String owner, Collection<Long> ids) {
        StoreJdbc.requireOwner(owner);
        if (ids.isEmpty()) {
            return 0;
        }
        return transactions.relay("mark published", false,
                connection -> operations.markPublished(connection, ids, owner, deletePublished));
    }

    Map<Long, OutboxState> markFailed(String owner, List<DeliveryFailure> failures) {
        StoreJdbc.requireOwner(owner);
        if (failures.isEmpty()) {
            return Map.of();
        }
        List<FailedAttempt> attempts = attempts(failures, retryPolicy);
        return transactions.relay("mark failed", false, connection -> operations.markFailed(connection, attempts, owner));
    }

    /** The failures as the dialect records them: backoff from the retry policy, errors cut to the stored length. */
    static List<FailedAttempt> attempts(List<DeliveryFailure> failures, RetryPolicy retryPolicy) {
        List<FailedAttempt> attempts = new ArrayList<>(failures.size());
        for (DeliveryFailure failure : failures) {
            OutboxRow row = failure.row();
            attempts.add(new FailedAttempt(row.id(), row.attempts(), row.maxAttempts(),
                    retryPolicy.delayAfter(row.attempts() + 1).toMillis(), StoreJdbc.truncate(failure.error())));
        }
        return attempts;
    }

    boolean markDead(long id, String owner, String reason) {
        return transactions.relay("mark dead", false,
                connection -> operations.markDead(connection, id, owner, StoreJdbc.truncate(reason)));
    }

    int reclaimExpiredLeases(int limit) {
        return transactions.relay("reclaim expired leases", false,
                connection -> operations.reclaimExpired(connection, limit));
    }

    int release(String owner, Collection<Long> ids) {
        StoreJdbc.requireOwner(owner);
        if (ids.isEmpty()) {
            return 0;
        }
        return transactions.relay("release", false, connection -> operations.release(connection, ids, owner));
    }

    int renewLeases(String owner, Collection<Long> ids, Duration lease) {
        StoreJdbc.requireOwner(owner);
        if (ids.isEmpty()) {
            return 0;
        }
        return transactions.relay("renew leases", false, connection -> operations.renew(connection, ids, owner, lease));
    }
}
