package dev.mailroom.ledger;

import static dev.mailroom.ledger.LedgerState.ABANDONED;
import static dev.mailroom.ledger.LedgerState.MANUAL_REQUIRED;
import static dev.mailroom.ledger.LedgerState.PENDING;
import static dev.mailroom.ledger.LedgerState.RESOLVED;
import static dev.mailroom.ledger.LedgerState.RETRYING;

import java.util.Set;
import java.util.StringJoiner;

/**
 * PostgreSQL statements for one ledger table. Status values and guards are rendered from
 * {@link LedgerState}; nothing here comes from user input but the validated table names. Each
 * state change is one statement: data-modifying CTEs update the item and insert its audit row, so
 * the two commit together or not at all.
 */
final class PostgresLedgerSql implements LedgerSql {

    private static final String COLUMNS = "id, batch_id, operation_type, item_index, item_payload::text, failure_reason,"
            + " status, attempts, max_attempts, next_attempt_at, lease_owner, lease_expires_at, resolved_at,"
            + " resolved_by, resolution_notes, created_at, updated_at, created_by, version";
    private static final String MILLIS = " * interval '1 millisecond'";
    private static final String CLEAR_LEASE = "lease_owner = NULL, lease_expires_at = NULL";
    /** The fence of every post-run change: still leased by this worker, unchanged since the claim. */
    private static final String LEASED = "t.lease_owner = ? AND t.version = ?";
    private static final String ATTEMPT_OUTCOME = "status = CASE WHEN t.attempts + 1 >= t.max_attempts THEN "
            + q(MANUAL_REQUIRED) + " ELSE " + q(RETRYING) + " END";

    private final String table;
    private final String audit;
    private final String claimDue;
    private final String claimBatch;
    private final String release;
    private final String resolveLeased;
    private final String failLeased;
    private final String manualLeased;
    private final String reclaimExpired;
    private final String retryNow;
    private final String resolve;
    private final String abandon;

    PostgresLedgerSql(LedgerTables tables) {
        this.table = tables.items().qualified();
        this.audit = tables.audit().qualified();
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
        this.resolveLeased = change("status = " + q(RESOLVED) + ", resolved_at = now(), resolved_by = "
                + q(LedgerStore.SYSTEM) + ", resolution_notes = ?, " + CLEAR_LEASE, LEASED + guard(RESOLVED));
        this.failLeased = change("attempts = t.attempts + 1, " + ATTEMPT_OUTCOME + ", " + appendReason("?")
                        + ", next_attempt_at = now() + ?" + MILLIS + ", " + CLEAR_LEASE,
                LEASED + guard(RETRYING, MANUAL_REQUIRED));
        this.manualLeased = change("status = " + q(MANUAL_REQUIRED) + ", " + appendReason("?") + ", " + CLEAR_LEASE,
                LEASED + guard(MANUAL_REQUIRED));
        this.reclaimExpired = "WITH old AS (SELECT id, status, lease_owner FROM " + table
                + " WHERE lease_owner IS NOT NULL AND lease_expires_at < now() AND status IN "
                + in(LedgerState.sourcesOfBoth(RETRYING, MANUAL_REQUIRED))
                + " ORDER BY lease_expires_at LIMIT ? FOR UPDATE SKIP LOCKED),"
                + " changed AS (UPDATE " + table + " t SET attempts = t.attempts + 1, " + ATTEMPT_OUTCOME + ", "
                + appendReason("'lease of ' || old.lease_owner || ' expired before its run was recorded'")
                + ", next_attempt_at = now(), " + CLEAR_LEASE + ", version = t.version + 1, updated_at = now()"
                + " FROM old WHERE t.id = old.id RETURNING t.id, old.status AS from_status, t.status AS to_status,"
                + " t.version, t.operation_type, old.lease_owner)"
                + audited("?", "'lease of ' || lease_owner || ' expired; its run counts as an attempt'");
        this.retryNow = change("status = " + q(PENDING) + ", next_attempt_at = now(), " + CLEAR_LEASE,
                "t.version = ?" + guard(PENDING));
        this.resolve = change("status = " + q(RESOLVED) + ", resolved_at = now(), resolved_by = ?,"
                + " resolution_notes = ?, " + CLEAR_LEASE, "t.version = ?" + guard(RESOLVED));
        this.abandon = change("status = " + q(ABANDONED) + ", resolved_at = now(), resolved_by = ?,"
                + " resolution_notes = ?, " + CLEAR_LEASE, "t.version = ?" + guard(ABANDONED));
    }

    private static String q(LedgerState state) {
        return q(state.dbValue());
    }

    private static String q(String literal) {
        return "'" + literal.replace("'", "''") + "'";
    }

    private static String in(Set<LedgerState> states) {
        StringJoiner joined = new StringJoiner(", ", "(", ")");
        for (LedgerState state : LedgerState.values()) {
            if (states.contains(state)) {
                joined.add(q(state));
            }
        }
        return joined.toString();
    }

    /** {@code AND t.status IN (...)}: the states from which {@code target} may be reached. */
    private static String guard(LedgerState target) {
        return " AND t.status IN " + in(LedgerState.sourcesOf(target));
    }

    /** The same for a statement that picks one of two targets. */
    private static String guard(LedgerState first, LedgerState second) {
        return " AND t.status IN " + in(LedgerState.sourcesOfBoth(first, second));
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
    public String columns() {
        return COLUMNS;
    }

    @Override
    public String insert(int rows) {
        StringJoiner values = new StringJoiner(", ");
        for (int row = 0; row < rows; row++) {
            values.add("(?, ?, ?, ?::jsonb, ?, ?, ?)");
        }
        return "WITH inserted AS (INSERT INTO " + table + " (batch_id, operation_type, item_index, item_payload,"
                + " failure_reason, max_attempts, created_by) VALUES " + values
                + " RETURNING id, status, version, created_by)"
                + " INSERT INTO " + audit + " (item_id, actor, from_status, to_status, version, notes)"
                + " SELECT id, coalesce(created_by, " + q(LedgerStore.SYSTEM) + "), NULL, status, version, 'recorded'"
                + " FROM inserted RETURNING item_id";
    }

    @Override
    public String claimDue() {
        return claimDue;
    }

    @Override
    public String claimBatch() {
        return claimBatch;
    }

    @Override
    public String release() {
        return release;
    }

    @Override
    public String resolveLeased() {
        return resolveLeased;
    }

    @Override
    public String failLeased() {
        return failLeased;
    }

    @Override
    public String manualLeased() {
        return manualLeased;
    }

    @Override
    public String reclaimExpired() {
        return reclaimExpired;
    }

    @Override
    public String retryNow() {
        return retryNow;
    }

    @Override
    public String resolve() {
        return resolve;
    }

    @Override
    public String abandon() {
        return abandon;
    }

    @Override
    public String statusAndVersion() {
        return "SELECT status, version FROM " + table + " WHERE id = ?";
    }

    @Override
    public String list(boolean byBatch, boolean byState, boolean byOperationType) {
        return "SELECT " + COLUMNS + " FROM " + table + " WHERE " + (byBatch ? "batch_id = ? AND " : "")
                + (byState ? "status = ? AND " : "") + (byOperationType ? "operation_type = ? AND " : "")
                + "id > ? ORDER BY id LIMIT ?";
    }

    @Override
    public String find() {
        return "SELECT " + COLUMNS + " FROM " + table + " WHERE id = ?";
    }

    @Override
    public String audit() {
        return "SELECT item_id, actor, from_status, to_status, version, notes, changed_at FROM " + audit
                + " WHERE item_id = ? ORDER BY id";
    }
}
