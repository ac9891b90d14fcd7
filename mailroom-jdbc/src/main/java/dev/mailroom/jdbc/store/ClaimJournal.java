package dev.mailroom.jdbc.store;

import dev.mailroom.jdbc.dialect.OutboxOperations;
import dev.mailroom.jdbc.dialect.OutboxOperations.ClaimRecord;
import dev.mailroom.jdbc.dialect.OutboxOperations.RecordedClaim;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.OptionalLong;

/**
 * The claim journal of row-lock claims ({@code <table>_claims}): what makes the attempt of a row
 * whose relay died while holding it count. A row-lock claim changes no row, so when its relay dies
 * (or loses its connection) the database rolls the claim back and nothing remembers the attempt: an
 * event that kills the relay each time it is sent would be sent forever. So a claim records its
 * rows here, committed on its own before they are sent, and keeps the record locked
 * until the transaction that settles the batch removes it. A later claim that finds a record no
 * transaction holds counts one attempt for each of its rows still pending and free (dead at max
 * attempts, holding its key under {@code HOLD_KEY}), then removes it. On MariaDB a record is counted
 * only once it is 2 s old (see {@code MariaDbOutboxSql.UNHELD_CLAIM_GRACE_SECONDS}); a claim that
 * locked rows it names sends nothing before then.
 *
 * <p>Costs per batch: one insert committed on its own (one round trip), which on PostgreSQL also
 * reads the (usually no) unheld records (elsewhere one more read in the batch's transaction), one
 * locking read of its own record, and its delete, written with the batch's settlement where the
 * dialect can (PostgreSQL).
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

    /** {@link #countLostClaims(Connection)} in a transaction of its own, committed. */
    void countLostClaims() {
        transactions.relay("count lost claims", false, this::countLostClaims);
    }

    /**
     * Counts the attempt of every claim lost by its relay, in {@code transaction} (the caller commits).
     * A record whose rows are all held by other transactions stays: its claim may be alive (between
     * its record's commit and its lock) or a later claim took the rows. Returns how many rows' attempts
     * were counted.
     */
    int countLostClaims(Connection transaction) throws SQLException {
        int counted = 0;
        for (ClaimRecord record : operations.lockUnheldClaims(transaction, RECORDS_PER_CLAIM)) {
            if (record.rowIds().isEmpty()) {
                // names no row (or was written by hand and cannot be read): nothing to count
                operations.forgetClaim(transaction, record.id());
                continue;
            }
            int rows = operations.countLostClaim(transaction, record.rowIds(), LOST_CLAIM_ERROR).size();
            counted += rows;
            if (rows > 0 || !operations.anyPending(transaction, record.rowIds())) {
                operations.forgetClaim(transaction, record.id());
            }
        }
        return counted;
    }

    /**
     * Records the rows {@code claim} locked, committed on a connection of its own, and holds the
     * record in {@code claim}. Returns the record's id, or none when a record no transaction holds
     * names any of the rows (looked for after the lock, so a claim lost just before it cannot slip
     * by; a live claim's record never names rows another claim locked): then nothing
     * stays recorded ({@code claim} may have been committed, with no change but that), and the
     * caller gives the rows back and counts the lost claims. The dialect looks in the record's own
     * statement where it can (PostgreSQL), otherwise in {@code claim} first.
     */
    OptionalLong record(Connection claim, List<OutboxRow> rows) throws SQLException {
        List<Long> ids = rows.stream().map(OutboxRow::id).toList();
        long record;
        if (operations.recordsSeeingLostClaims()) {
            RecordedClaim recorded = transactions.autoCommitted("record claim",
                    connection -> operations.recordClaimSeeingLost(connection, ids));
            if (recorded.lostClaimSeen()) {
                // forgotten in the claim's transaction and committed with the rows' release, so the two go
                // together: a record left behind without its rows' locks would count an attempt for each
                operations.forgetClaim(claim, recorded.id());
                claim.commit();
                return OptionalLong.empty();
            }
            record = recorded.id();
        } else {
            if (operations.lockAnyUnheldClaimOf(claim, ids)) {
                return OptionalLong.empty();
            }
            record = transactions.autoCommitted("record claim", connection -> operations.recordClaim(connection, ids));
        }
        if (!operations.holdClaim(claim, record)) {
            throw new SQLException("the claim journal's record " + record + " vanished before its claim held it");
        }
        return OptionalLong.of(record);
    }
}
