package dev.mailroom.jdbc.store;

import dev.mailroom.jdbc.PartitionLostException;
import dev.mailroom.jdbc.dialect.OutboxOperations;
import dev.mailroom.jdbc.dialect.PartitionLeaseOperations;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.state.OutboxState;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Rows claimed within leased partitions ({@link OutboxStore#claimInPartitions}): nothing about them
 * changed at the claim, no lock is held and no transaction stays open while they are sent; the
 * partitions' leases keep other relays away and the claim journal remembers the batch. Settling is
 * one short transaction that first locks the leases the batch was claimed under and refuses
 * ({@link PartitionLostException}, changing nothing) when one passed to another owner or expired.
 * Not thread-safe: one thread sends and settles a batch.
 */
public final class PartitionBatch {

    private final StoreTransactions transactions;
    private final OutboxOperations operations;
    private final PartitionLeaseOperations leases;
    private final PartitionClaims claims;
    private final RetryPolicy retryPolicy;
    private final boolean deletePublished;
    private final List<OutboxRow> rows;
    private final PartitionHold hold;
    private final long record;
    private final Optional<Duration> nextDueIn;
    private final List<Dead> dead = new ArrayList<>();

    private record Dead(long id, String reason) {
    }

    PartitionBatch(StoreTransactions transactions, OutboxOperations operations, PartitionLeaseOperations leases,
                   PartitionClaims claims, RetryPolicy retryPolicy, boolean deletePublished, List<OutboxRow> rows, PartitionHold hold,
                   long record, Optional<Duration> nextDueIn) {
        this.transactions = transactions;
        this.operations = operations;
        this.leases = leases;
        this.claims = claims;
        this.retryPolicy = retryPolicy;
        this.deletePublished = deletePublished;
        this.rows = List.copyOf(rows);
        this.hold = hold;
        this.record = record;
        this.nextDueIn = nextDueIn;
    }

    /** The claimed rows in id order, the oldest due one of each key; empty when nothing was claimable. */
    public List<OutboxRow> rows() {
        return rows;
    }

    /** The leases the batch was claimed under (the partitions of its rows), its rows' ids and keys. */
    public PartitionHold hold() {
        return hold;
    }

    /** When no row was claimable: how long until one becomes claimable without a new insert. */
    public Optional<Duration> nextDueIn() {
        return nextDueIn;
    }

    /** Marks a row of the batch dead with a reason when the batch is settled. */
    public void markDead(OutboxRow row, String reason) {
        dead.add(new Dead(row.id(), StoreJdbc.truncate(reason)));
    }

    /**
     * Marks the acknowledged rows published (or deletes them, for a store that keeps no history),
     * records the failed attempts (backoff from the retry policy, {@code dead} at the row's max
     * attempts) and the rows marked dead, and removes the batch's journal record, in one transaction
     * fenced on the batch's leases. Rows in neither list stay pending, untouched. Returns the new
     * state of each failed row. A refused settlement records nothing of the outcome; instead it counts
     * the attempt for each of the batch's rows still pending (the batch may have been sent; the new owner
     * delivers them again) and removes the record.
     */
    public Map<Long, OutboxState> settle(Collection<Long> published, List<DeliveryFailure> failures) {
        try {
            return transactions.relay("settle", false, connection -> {
                requireLeases(connection);
                for (Dead row : dead) {
                    operations.markDead(connection, row.id(), null, row.reason());
                }
                if (!published.isEmpty()) {
                    Map<Long, Instant> created = createdAt(published);
                    if (created.size() == published.size()) {
                        operations.markPublished(connection, created, deletePublished);
                    } else {
                        operations.markPublished(connection, published, null, deletePublished);
                    }
                }
                Map<Long, OutboxState> states = failures.isEmpty() ? Map.of()
                        : operations.markFailed(connection, LeasedRows.attempts(failures, retryPolicy), null);
                leases.forget(connection, record);
                return states;
            });
        } catch (PartitionLostException e) {
            List<Long> ids = rows.stream().map(OutboxRow::id).toList();
            transactions.relay("count a fenced claim", false,
                    connection -> claims.count(connection, record, ids, PartitionClaims.FENCED_CLAIM_ERROR));
            throw e;
        }
    }

    /** Times an ISO-8601 text of {@link Instant#toString()} holds and PostgreSQL reads back exactly. */
    private static final Instant EARLIEST_WRITABLE = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST_WRITABLE = Instant.parse("9999-12-31T23:59:59Z");

    /** The creation time of each of these ids among the batch's rows (an id not among them is left out). */
    private Map<Long, Instant> createdAt(Collection<Long> ids) {
        Set<Long> wanted = new HashSet<>(ids);
        Map<Long, Instant> created = new LinkedHashMap<>();
        for (OutboxRow row : rows) {
            // a time SQL cannot read back (a producer's 'infinity') leaves the row out: the batch goes by id only
            if (wanted.contains(row.id()) && row.createdAt() != null && row.createdAt().isAfter(EARLIEST_WRITABLE)
                    && row.createdAt().isBefore(LATEST_WRITABLE)) {
                created.put(row.id(), row.createdAt());
            }
        }
        return created;
    }

    /**
     * Gives the batch up after an error, as far as it can: its rows stay pending and are claimed again;
     * its journal record is removed (best effort: the database may be what failed).
     */
    public void abandon() {
        if (rows.isEmpty()) {
            return;
        }
        try {
            transactions.relayStatement("forget an abandoned claim", connection -> {
                leases.forget(connection, record);
                return null;
            });
        } catch (RuntimeException e) {
            // the record stays; once this instance is gone and holds no partition, its attempt is counted
        }
    }

    /** Locks the batch's leases until the settlement commits; refuses when one passed to another owner. */
    private void requireLeases(Connection connection) throws SQLException {
        Map<Integer, Long> held = leases.fence(connection, hold.owner(), hold.epochs().keySet());
        List<Integer> lost = hold.epochs().entrySet().stream()
                .filter(lease -> !lease.getValue().equals(held.get(lease.getKey())))
                .map(Map.Entry::getKey).sorted().toList();
        if (!lost.isEmpty()) {
            throw new PartitionLostException(transactions.table(), hold.owner(), lost);
        }
    }
}
