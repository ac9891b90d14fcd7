package dev.mailroom.ledger;

import static dev.mailroom.ledger.LedgerState.ABANDONED;
import static dev.mailroom.ledger.LedgerState.MANUAL_REQUIRED;
import static dev.mailroom.ledger.LedgerState.PENDING;
import static dev.mailroom.ledger.LedgerState.RESOLVED;
import static dev.mailroom.ledger.LedgerState.RETRYING;

import dev.mailroom.routing.TableName;
import java.util.Set;
import java.util.StringJoiner;

/**
 * PostgreSQL statements for one ledger table. Each state change is a single statement: a
 * data-modifying CTE updates the item and inserts its audit row, so the two can never disagree.
 */
final class PostgresLedgerSql implements LedgerSql {

    /** Longest failure reason kept; older text is dropped from the front. */
    static final int MAX_REASON_LENGTH = 4000;
    private static final String COLUMNS = "id, batch_id, operation_type, item_index, item_payload::text, failure_reason,"
            + " status, attempts, max_attempts, next_attempt_at, lease_owner, lease_expires_at, resolved_at,"
            + " resolved_by, resolution_notes, created_at, updated_at, created_by, version";
    private static final String MILLIS = " * interval '1 millisecond'";
    private static final String CLEAR_LEASE = "lease_owner = NULL, lease_expires_at = NULL";

    private final String table;
    private final String audit;

    PostgresLedgerSql(TableName table, TableName audit) {
        this.table = table.qualified();
        this.audit = audit.qualified();
    }

    private static String q(LedgerState state) {
        return "'" + state.dbValue() + "'";
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

    private static String appendReason(String reasonExpression) {
        return "failure_reason = right(coalesce(t.failure_reason || E'\\n', '') || " + reasonExpression + ", "
                + MAX_REASON_LENGTH + ")";
    }

    private static String attemptOutcome() {
        return "status = CASE WHEN t.attempts + 1 >= t.max_attempts THEN " + q(MANUAL_REQUIRED) + " ELSE "
                + q(RETRYING) + " END";
    }

    /**
     * One item's change with its audit row. Parameters: item id, then those of {@code set}, then
     * those of {@code guard}, then actor and audit notes.
     */
    private String change(String set, String guard) {
        return "WITH old AS (SELECT id, status FROM " + table + " WHERE id = ? FOR UPDATE),"
                + " changed AS (UPDATE " + table + " t SET " + set + ", version = t.version + 1, updated_at = now()"
                + " FROM old WHERE t.id = old.id AND " + guard
                + " RETURNING t.id, old.status AS from_status, t.status AS to_status, t.version)"
                + " INSERT INTO " + audit + " (item_id, actor, from_status, to_status, version, notes)"
                + " SELECT id, ?, from_status, to_status, version, ? FROM changed RETURNING item_id, to_status";
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
                + " SELECT id, coalesce(created_by, 'system'), NULL, status, version, 'recorded' FROM inserted"
                + " RETURNING item_id";
    }

    @Override
    public String claimDue() {
        return "UPDATE " + table + " SET lease_owner = ?, lease_expires_at = now() + ?" + MILLIS
                + " WHERE id = ANY(ARRAY(SELECT id FROM " + table + " WHERE status IN " + in(LedgerState.open())
                + " AND next_attempt_at <= now() AND lease_owner IS NULL ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED))"
                + " AND lease_owner IS NULL RETURNING " + COLUMNS;
    }

    @Override
    public String claimBatch() {
        return "UPDATE " + table + " SET lease_owner = ?, lease_expires_at = now() + ?" + MILLIS
                + " WHERE id = ANY(ARRAY(SELECT id FROM " + table + " WHERE batch_id = ? AND status IN "
                + in(LedgerState.open()) + " AND lease_owner IS NULL ORDER BY item_index LIMIT ?"
                + " FOR UPDATE SKIP LOCKED)) AND lease_owner IS NULL RETURNING " + COLUMNS;
    }

    @Override
    public String resolveLeased() {
        return change("status = " + q(RESOLVED) + ", resolved_at = now(), resolved_by = 'system',"
                        + " resolution_notes = ?, " + CLEAR_LEASE,
                "t.lease_owner = ? AND t.status IN " + in(LedgerState.open()));
    }

    @Override
    public String failLeased() {
        return change("attempts = t.attempts + 1, " + attemptOutcome() + ", " + appendReason("?")
                        + ", next_attempt_at = now() + ?" + MILLIS + ", " + CLEAR_LEASE,
                "t.lease_owner = ? AND t.status IN " + in(LedgerState.open()));
    }

    @Override
    public String manualLeased() {
        return change("status = " + q(MANUAL_REQUIRED) + ", " + appendReason("?") + ", " + CLEAR_LEASE,
                "t.lease_owner = ? AND t.status IN " + in(LedgerState.open()));
    }

    @Override
    public String reclaimExpired() {
        return "WITH old AS (SELECT id, status, lease_owner FROM " + table + " WHERE lease_owner IS NOT NULL"
                + " AND lease_expires_at < now() AND status IN " + in(LedgerState.open())
                + " ORDER BY lease_expires_at LIMIT ? FOR UPDATE SKIP LOCKED),"
                + " changed AS (UPDATE " + table + " t SET attempts = t.attempts + 1, " + attemptOutcome() + ", "
                + appendReason("'lease of ' || old.lease_owner || ' expired before its run was recorded'")
                + ", next_attempt_at = now(), " + CLEAR_LEASE + ", version = t.version + 1, updated_at = now()"
                + " FROM old WHERE t.id = old.id RETURNING t.id, old.status AS from_status, t.status AS to_status,"
                + " t.version)"
                + " INSERT INTO " + audit + " (item_id, actor, from_status, to_status, version, notes)"
                + " SELECT id, ?, from_status, to_status, version, 'lease expired' FROM changed"
                + " RETURNING item_id, to_status";
    }

    @Override
    public String retryNow() {
        return change("status = " + q(PENDING) + ", next_attempt_at = now(), " + CLEAR_LEASE,
                "t.version = ? AND t.status IN " + in(LedgerState.sourcesOf(PENDING)));
    }

    @Override
    public String resolve() {
        return change("status = " + q(RESOLVED) + ", resolved_at = now(), resolved_by = ?, resolution_notes = ?, "
                + CLEAR_LEASE, "t.version = ? AND t.status IN " + in(LedgerState.sourcesOf(RESOLVED)));
    }

    @Override
    public String abandon() {
        return change("status = " + q(ABANDONED) + ", resolved_at = now(), resolved_by = ?, resolution_notes = ?, "
                + CLEAR_LEASE, "t.version = ? AND t.status IN " + in(LedgerState.sourcesOf(ABANDONED)));
    }

    @Override
    public String statusAndVersion() {
        return "SELECT status, version FROM " + table + " WHERE id = ?";
    }

    @Override
    public String list() {
        return "SELECT " + COLUMNS + " FROM " + table + " WHERE (?::text IS NULL OR batch_id = ?)"
                + " AND (?::text IS NULL OR status = ?) AND (?::text IS NULL OR operation_type = ?)"
                + " ORDER BY id LIMIT ?";
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
