package dev.mailroom.jdbc.store;

import dev.mailroom.jdbc.dialect.OutboxOperations;
import dev.mailroom.jdbc.dialect.PartitionLeaseOperations;
import dev.mailroom.jdbc.dialect.PartitionLeaseOperations.PartitionClaim;
import dev.mailroom.jdbc.dialect.PartitionLeaseOperations.PartitionClaimed;
import dev.mailroom.jdbc.dialect.PartitionLeaseOperations.PartitionedRow;
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

/** Claims within leased partitions (see {@link PartitionBatch}), and the count of claims lost with their instance. */
final class PartitionClaims {

    /** The {@code last_error} of a row whose attempt is counted for a claim lost with its instance. */
    static final String LOST_CLAIM_ERROR = "the relay that held this row (partition lease) died or stopped renewing"
            + " its leases before the delivery was recorded";
    /** The {@code last_error} of a row whose batch's settlement was refused: its relay lost the partition's lease. */
    static final String FENCED_CLAIM_ERROR = "the relay that held this row lost its partition's lease before the delivery"
            + " was recorded";

    private final StoreTransactions transactions;
    private final OutboxOperations operations;
    private final PartitionLeaseOperations leases;
    private final RetryPolicy retryPolicy;
    private final boolean deletePublished;

    PartitionClaims(StoreTransactions transactions, OutboxOperations operations, PartitionLeaseOperations leases,
                    RetryPolicy retryPolicy, boolean deletePublished) {
        this.transactions = transactions;
        this.operations = operations;
        this.leases = leases;
        this.retryPolicy = retryPolicy;
        this.deletePublished = deletePublished;
    }

    PartitionBatch claim(String owner, Map<Integer, Long> epochs, Collection<Long> heldIds, Collection<String> heldKeys,
                         int limit) {
        StoreJdbc.requireOwner(owner);
        StoreJdbc.requireLimit(limit);
        OutboxOperations.RowMapper<OutboxRow> mapper = StoreJdbc.rows(transactions);
        PartitionClaim claim = new PartitionClaim(owner, epochs.keySet(), heldIds, heldKeys, limit);
        return transactions.relay("claim in partitions", true, connection -> {
            PartitionClaimed<OutboxRow> claimed = leases.claim(connection, claim, mapper);
            if (claimed.rows().isEmpty()) {
                Optional<Duration> nextDue = operations.nextDueIn(connection);
                if (nextDue.isEmpty() && operations.anyDuePending(connection)) {
                    nextDue = Optional.of(operations.anyKeyHeld(connection) ? RowLocks.HELD_KEYS_RECHECK
                            : RowLocks.HELD_ROWS_RECHECK);
                }
                return batch(List.of(), new PartitionHold(owner, Map.of(), Set.of(), Set.of()), 0, nextDue);
            }
            List<OutboxRow> rows = new ArrayList<>(claimed.rows().size());
            Map<Integer, Long> claimedUnder = new HashMap<>();
            Set<Long> ids = new HashSet<>();
            Set<String> keys = new HashSet<>();
            for (PartitionedRow<OutboxRow> row : claimed.rows()) {
                rows.add(row.row());
                ids.add(row.row().id());
                if (row.row().key() != null) {
                    keys.add(row.row().key());
                }
                claimedUnder.put(row.partition(), epochs.get(row.partition()));
            }
            return batch(rows, new PartitionHold(owner, claimedUnder, ids, keys), claimed.record(), Optional.empty());
        });
    }

    /**
     * Counts the attempt of every claim lost with its instance (its heartbeat in {@code <table>_relays}
     * expired or removed) for each of its rows still pending (dead at max attempts, holding its key
     * under {@code HOLD_KEY}), and removes the records. Returns the rows counted.
     */
    int countLostClaims() {
        return transactions.relay("count lost partition claims", false, connection -> {
            int counted = 0;
            for (OutboxOperations.ClaimRecord record : leases.lockLostClaims(connection, ClaimJournal.RECORDS_PER_CLAIM)) {
                counted += count(connection, record.id(), record.rowIds(), LOST_CLAIM_ERROR);
            }
            return counted;
        });
    }

    /**
     * Removes one journal record and counts the attempt of its rows still pending (in {@code transaction});
     * nothing when the record is gone already (its attempt was counted by another instance).
     */
    int count(Connection transaction, long record, List<Long> rowIds, String error) throws SQLException {
        if (!leases.forget(transaction, record) || rowIds.isEmpty()) {
            return 0;
        }
        return operations.countLostClaim(transaction, rowIds, error).size();
    }

    private PartitionBatch batch(List<OutboxRow> rows, PartitionHold hold, long record, Optional<Duration> nextDue) {
        return new PartitionBatch(transactions, operations, leases, this, retryPolicy, deletePublished, rows, hold,
                record, nextDue);
    }
}
