package dev.mailroom.jdbc.store;

import dev.mailroom.jdbc.dialect.OutboxOperations;
import dev.mailroom.jdbc.dialect.OutboxOperations.ClaimRecord;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The claim journal of row-lock claims ({@code <table>_claims}): what makes the attempt of a row
 * whose relay died while holding it count. A row-lock claim changes no row, so when its relay dies
 * (or loses its connection) the database rolls the claim back and nothing remembers the attempt: an
 * event that kills the relay each time it is sent would be sent forever. So a claim records its
 * rows here, committed on its own before they are sent, and keeps the record locked
 * until the transaction that settles the batch removes it. A later claim that finds a record no
 * transaction holds counts one attempt for each of its rows still pending and free (dead at max
 * attempts, holding its key under {@code HOLD_KEY}), then removes it.
 *
 * <p>Costs per batch: one insert committed on its own (one round trip), and in the batch's one
 * read of the (usually no) unheld records, one locking read of its own record, and its delete,
 * written with the batch's settlement where the dialect can (PostgreSQL).
 */
final class ClaimJournal {

    /** The {@code last_error} of a row whose attempt is counted for a lost claim. */
    static final String LOST_CLAIM_ERROR = "the relay that held this row (row-lock claim) died or lost its database"
            + " connection before the delivery was recorded";
    /** Unheld records one claim looks at; more wait for the next claim. */
    static final int RECORDS_PER_CLAIM = 16;

    private final StoreTransactions transactions;
    private final OutboxOperations operations;

    ClaimJournal(StoreTransactions transactions, OutboxOperations operations) {
        this.transactions = transactions;
        this.operations = operations;
    }

    /** Whether a record no transaction holds exists (it is locked in {@code claim} until that ends). */
    boolean anyLostClaim(Connection claim) throws SQLException {
        return !operations.lockUnheldClaims(claim, 1).isEmpty();
    }

    /** {@link #countLostClaims(Connection)} in a transaction of its own, committed. */
    void countLostClaims() {
        transactions.relay("count lost claims", false, this::countLostClaims);
    }

    /**
     * Counts the attempt of every claim lost by its relay, in {@code transaction} (the caller commits).
     * A record whose rows are all held by other transactions stays: its claim may be alive (between
     * its record's commit and its lock) or a later claim took the rows. Returns whether any record was
     * looked at.
     */
    boolean countLostClaims(Connection transaction) throws SQLException {
        List<ClaimRecord> records = operations.lockUnheldClaims(transaction, RECORDS_PER_CLAIM);
        for (ClaimRecord record : records) {
            if (record.rowIds().isEmpty()) {
                // names no row (or was written by hand and cannot be read): nothing to count
                operations.forgetClaim(transaction, record.id());
                continue;
            }
            boolean counted = !operations.countLostClaim(transaction, record.rowIds(), LOST_CLAIM_ERROR).isEmpty();
            if (counted || !operations.anyPending(transaction, record.rowIds())) {
                operations.forgetClaim(transaction, record.id());
            }
        }
        return !records.isEmpty();
    }

    /**
     * Records the rows {@code claim} locked, committed on a connection of its own, and holds the
     * record in {@code claim}. Returns the record's id.
     */
    long record(Connection claim, List<OutboxRow> rows) throws SQLException {
        List<Long> ids = rows.stream().map(OutboxRow::id).toList();
        long record = transactions.autoCommitted("record claim", connection -> operations.recordClaim(connection, ids));
        if (!operations.holdClaim(claim, record)) {
            throw new SQLException("the claim journal's record " + record + " vanished before its claim held it");
        }
        return record;
    }
}
