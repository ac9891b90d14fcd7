package dev.mailroom.ledger;

import static dev.mailroom.ledger.LedgerState.ABANDONED;
import static dev.mailroom.ledger.LedgerState.MANUAL_REQUIRED;
import static dev.mailroom.ledger.LedgerState.PENDING;
import static dev.mailroom.ledger.LedgerState.RESOLVED;
import static dev.mailroom.ledger.LedgerState.RETRYING;

import java.util.EnumMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * PostgreSQL statements for one ledger table. Each state change is one statement: data-modifying
 * CTEs update the item and insert its audit row, so the two commit together or not at all, and
 * return {@code (id, to_status, operation_type)} of each changed item (nothing when the guard did
 * not hold).
 */
final class PostgresLedgerSql extends LedgerSql {

    private static final String COLUMNS = "id, batch_id, operation_type, item_index, item_payload::text, failure_reason,"
            + " status, attempts, max_attempts, next_attempt_at, lease_owner, lease_expires_at, resolved_at,"
            + " resolved_by, resolution_notes, created_at, updated_at, created_by, version";
    private static final String MILLIS = " * interval '1 millisecond'";
    private static final String CLEAR_LEASE = "lease_owner = NULL, lease_expires_at = NULL";
    private static final String ATTEMPT_OUTCOME = "status = CASE WHEN t.attempts + 1 >= t.max_attempts THEN "
            + q(MANUAL_REQUIRED) + " ELSE " + q(RETRYING) + " END";

    private final String claimDue;
    private final String claimBatch;
    private final String release;
    private final String reclaimExpired;
    private final Map<LedgerChange, String> changes = new EnumMap<>(LedgerChange.class);

    PostgresLedgerSql(LedgerTables tables) {
        super(tables);
        String lease = "UPDATE " + table + " SET lease_owner = ?, lease_expires_at = now() + ?" + MILLIS
                + " WHERE id = ANY(ARRAY(SELECT id FROM " + table + " WHERE status IN " + in(LedgerState.open())
                + " AND lease_owner IS NULL AND ";
        String leased = " FOR UPDATE SKIP LOCKED)) AND status IN " + in(LedgerState.open())
                + " AND lease_owner IS NULL RETURNING " + COLUMNS;
        this.claimDue = lease + "next_attempt_at <= now() ORDER BY id LIMIT ?" + leased;
        this.claimBatch = lease + "batch_id = ? AND (item_index, id) > (?, ?) ORDER BY item_index, id LIMIT ?" + leased;
        this.release = "UPDATE " + table + " t SET " + CLEAR_LEASE
                + " FROM unnest(?::bigint[], ?::bigint[]) AS r(id, version)"
                + " WHERE t.id = r.id AND t.version = r.version AND t.lease_owner = ?";
        this.reclaimExpired = "WITH old AS (SELECT id, status, lease_owner FROM " + table
                + " WHERE lease_owner IS NOT NULL AND lease_expires_at < now() AND status IN "
                + in(LedgerState.sourcesOfBoth(RETRYING, MANUAL_REQUIRED))
                + " ORDER BY lease_expires_at LIMIT ? FOR UPDATE SKIP LOCKED),"
                + " changed AS (UPDATE " + table + " t SET attempts = t.attempts + 1, " + ATTEMPT_OUTCOME + ", "
                + appendReason(q(LEASE_OF) + " || old.lease_owner || " + q(LOST_RUN_REASON))
                + ", next_attempt_at = now(), " + CLEAR_LEASE + ", version = t.version + 1, updated_at = now()"
                + " FROM old WHERE t.id = old.id RETURNING t.id, old.status AS from_status, t.status AS to_status,"
                + " t.version, t.operation_type, old.lease_owner)"
                + audited("?", q(LEASE_OF) + " || lease_owner || " + q(LOST_RUN_NOTES));
        for (LedgerChange change : LedgerChange.values()) {
            changes.put(change, change(set(change), guard(change)));
        }
    }

    /** The {@code SET} clause of a change, taking its values in {@link LedgerChange}'s order. */
    private static String set(LedgerChange change) {
        return switch (change) {
            case RESOLVE_LEASED -> "status = " + q(RESOLVED) + ", resolved_at = now(), resolved_by = "
                    + q(LedgerStore.SYSTEM) + ", resolution_notes = ?, " + CLEAR_LEASE;
            case FAIL_LEASED -> "attempts = t.attempts + 1, " + ATTEMPT_OUTCOME + ", " + appendReason("?")
                    + ", next_attempt_at = now() + ?" + MILLIS + ", " + CLEAR_LEASE;
            case MANUAL_LEASED -> "status = " + q(MANUAL_REQUIRED) + ", " + appendReason("?") + ", " + CLEAR_LEASE;
            case RETRY_NOW -> "status = " + q(PENDING) + ", next_attempt_at = now(), " + CLEAR_LEASE;
            case RESOLVE -> "status = " + q(RESOLVED) + ", resolved_at = now(), resolved_by = ?, resolution_notes = ?, "
                    + CLEAR_LEASE;
            case ABANDON -> "status = " + q(ABANDONED) + ", resolved_at = now(), resolved_by = ?, resolution_notes = ?, "
                    + CLEAR_LEASE;
        };
    }

    private static String appendReason(String reasonExpression) {
        return "failure_reason = right(coalesce(t.failure_reason || E'\\n', '') || " + reasonExpression + ", "
                + LedgerInput.MAX_REASON_LENGTH + ")";
    }

    /** Writes an audit row for each row of {@code changed}, and returns {@code (id, to_status, operation_type)}. */
    private String audited(String actor, String notes) {
        return ", audited AS (INSERT INTO " + audit + " (item_id, actor, from_status, to_status, version, notes)"
                + " SELECT id, " + actor + ", from_status, to_status, version, " + notes + " FROM changed)"
                + " SELECT id, to_status, operation_type FROM changed";
    }

    /**
     * One item's change with its audit row. Parameters: item id, then those of {@code set}, then
     * those of {@code guard}, then actor and audit notes. The row is locked first, so the audit row's
     * {@code from_status} is the state the guard was checked against.
     */
    private String change(String set, String guard) {
        return "WITH old AS (SELECT id, status FROM " + table + " WHERE id = ? FOR UPDATE),"
                + " changed AS (UPDATE " + table + " t SET " + set + ", version = t.version + 1, updated_at = now()"
                + " FROM old WHERE t.id = old.id AND " + guard
                + " RETURNING t.id, old.status AS from_status, t.status AS to_status, t.version, t.operation_type)"
                + audited("?", "?");
    }

    @Override
    String columns() {
        return COLUMNS;
    }

    /** Per row: batch_id, operation_type, item_index, payload JSON, reason, max_attempts, created_by. Writes audit rows; returns the item ids. */
    String insert(int rows) {
        StringJoiner values = new StringJoiner(", ");
        for (int row = 0; row < rows; row++) {
            values.add("(?, ?, ?, ?::jsonb, ?, ?, ?)");
        }
        return "WITH inserted AS (INSERT INTO " + table + " (batch_id, operation_type, item_index, item_payload,"
                + " failure_reason, max_attempts, created_by) VALUES " + values
                + " RETURNING id, status, version, created_by)"
                + " INSERT INTO " + audit + " (item_id, actor, from_status, to_status, version, notes)"
                + " SELECT id, coalesce(created_by, " + q(LedgerStore.SYSTEM) + "), NULL, status, version, "
                + q(RECORDED) + " FROM inserted RETURNING item_id";
    }

    /** Leases due open items: owner, lease millis, limit. */
    String claimDue() {
        return claimDue;
    }

    /** Leases one batch's open items, due or not, after a position: owner, lease millis, batch id, after item index, after id, limit. */
    String claimBatch() {
        return claimBatch;
    }

    /** Clears leases not used, without a state change: ids (bigint[]), claimed versions (bigint[]), owner. */
    String release() {
        return release;
    }

    /** A change: item id, the change's values, its fence, actor, audit notes. */
    String change(LedgerChange change) {
        return changes.get(change);
    }

    /** Expired leases back to retrying (manual_required at max), the lost run counted as an attempt: limit, actor. */
    String reclaimExpired() {
        return reclaimExpired;
    }
}
