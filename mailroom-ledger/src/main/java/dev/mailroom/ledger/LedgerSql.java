package dev.mailroom.ledger;

import dev.mailroom.jdbc.dialect.SqlDialect;

/**
 * The whole statements of one ledger table in one dialect, rendered once. Every state change is a
 * single statement that updates the item (guarded by the states {@link LedgerState} allows the move
 * from, and by the lease owner and claimed version, or by the operator's expected version), bumps
 * its version and writes its audit row; it returns {@code (id, to_status, operation_type)} of each
 * changed item, and nothing when the guard did not hold.
 */
interface LedgerSql {

    /** The statements for {@code tables} in {@code dialect}; PostgreSQL only so far (MariaDB next). */
    static LedgerSql forDialect(SqlDialect dialect, LedgerTables tables) {
        checkSupported(dialect);
        return new PostgresLedgerSql(tables);
    }

    static void checkSupported(SqlDialect dialect) {
        if (!"postgresql".equals(dialect.name())) {
            throw new IllegalArgumentException("the compensation ledger has statements for PostgreSQL only so far,"
                    + " not " + dialect.name());
        }
    }

    /** Columns read by every item query, in {@code LedgerRowMapper}'s order. */
    String columns();

    /** Per row: batch_id, operation_type, item_index, payload JSON, reason, max_attempts, created_by. Writes audit rows. */
    String insert(int rows);

    /** Leases due open items: owner, lease millis, limit. */
    String claimDue();

    /** Leases one batch's open items, due or not, after a position: owner, lease millis, batch id, after item index, after id, limit. */
    String claimBatch();

    /** Clears leases not used, without a state change: ids (bigint[]), claimed versions (bigint[]), owner. */
    String release();

    /** Run succeeded: id, resolution notes, owner, claimed version, actor, audit notes. */
    String resolveLeased();

    /** Run failed: id, reason, delay millis, owner, claimed version, actor, audit notes. Retrying, or manual_required at max. */
    String failLeased();

    /** No executor: id, reason, owner, claimed version, actor, audit notes. */
    String manualLeased();

    /** Expired leases back to retrying (manual_required at max), the lost run counted as an attempt: limit, actor. */
    String reclaimExpired();

    /** Operator retry-now: id, expected version, actor, notes. */
    String retryNow();

    /** Operator resolve: id, resolved by, notes, expected version, actor, notes. */
    String resolve();

    /** Operator abandon: id, resolved by, notes, expected version, actor, notes. */
    String abandon();

    /** An item's status and version: id. */
    String statusAndVersion();

    /** Items after an id, oldest first: the filters present (in this order: batch id, status, operation type), after id, limit. */
    String list(boolean byBatch, boolean byState, boolean byOperationType);

    /** One item: id. */
    String find();

    /** An item's audit trail in order: id. */
    String audit();
}
