package dev.mailroom.ledger;

/**
 * The whole statements of one ledger table in one dialect. Every state change is one statement
 * that updates the item (guarded by the states {@link LedgerState} allows it from, and by the lease
 * owner or the expected version) and writes its audit row; it returns
 * {@code (item_id, to_status)} of each changed item, nothing when the guard failed.
 */
interface LedgerSql {

    /** Columns read by every item query, in {@code LedgerRowMapper}'s order. */
    String columns();

    /** Per row: batch_id, operation_type, item_index, payload JSON, reason, max_attempts, created_by. Writes audit rows. */
    String insert(int rows);

    /** Leases due open items: owner, lease millis, limit. */
    String claimDue();

    /** Leases one batch's open items, due or not: owner, lease millis, batch id, limit. */
    String claimBatch();

    /** Worker success: id, notes, owner, actor, audit notes. */
    String resolveLeased();

    /** Worker failure: id, reason, delay millis, owner, actor, audit notes. Retrying, or manual_required at max attempts. */
    String failLeased();

    /** No executor: id, reason, owner, actor, audit notes. */
    String manualLeased();

    /** Expired leases back to retrying (or manual_required at max), counted as an attempt: limit, actor. */
    String reclaimExpired();

    /** Operator retry-now: id, expected version, actor, notes. */
    String retryNow();

    /** Operator resolve: id, resolved by, notes, expected version, actor, notes. */
    String resolve();

    /** Operator abandon: id, resolved by, notes, expected version, actor, notes. */
    String abandon();

    /** An item's status and version: id. */
    String statusAndVersion();

    /** Items by optional batch id, status, operation type (each given twice), then limit. */
    String list();

    /** One item: id. */
    String find();

    /** An item's audit trail in order: id. */
    String audit();
}
