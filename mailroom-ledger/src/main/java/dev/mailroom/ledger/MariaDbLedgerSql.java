package dev.mailroom.ledger;

import static dev.mailroom.ledger.LedgerState.ABANDONED;
import static dev.mailroom.ledger.LedgerState.MANUAL_REQUIRED;
import static dev.mailroom.ledger.LedgerState.PENDING;
import static dev.mailroom.ledger.LedgerState.RESOLVED;
import static dev.mailroom.ledger.LedgerState.RETRYING;

import java.util.EnumMap;
import java.util.Map;

/**
 * MariaDB statements for one ledger table, kept to what MySQL 8.0 also accepts. There is no
 * {@code UPDATE … RETURNING} and no data-modifying CTE, so a change is several statements in one
 * transaction (see {@link MariaDbLedgerOperations}): lock the item, update it under its guard, read
 * what it became, write its audit row. Time is {@code UTC_TIMESTAMP(6)} (the columns are
 * {@code DATETIME(6)} in UTC, whatever the session's time zone). A single-table {@code UPDATE}
 * assigns left to right, each assignment seeing the ones before it, so {@code status} is computed
 * before {@code attempts} is raised, and the reason quoting the lease owner before it is cleared.
 */
final class MariaDbLedgerSql extends LedgerSql {

    static final String NOW = "UTC_TIMESTAMP(6)";
    private static final String COLUMNS = "id, batch_id, operation_type, item_index, item_payload, failure_reason,"
            + " status, attempts, max_attempts, next_attempt_at, lease_owner, lease_expires_at, resolved_at,"
            + " resolved_by, resolution_notes, created_at, updated_at, created_by, version";
    private static final String PLUS_MILLIS = " + INTERVAL (? * 1000) MICROSECOND";
    private static final String CLEAR_LEASE = "lease_owner = NULL, lease_expires_at = NULL";
    /** The next status after a lost or failed run, read before {@code attempts} is raised. */
    private static final String AFTER_FAILED_RUN = "status = CASE WHEN attempts + 1 >= max_attempts THEN "
            + q(MANUAL_REQUIRED) + " ELSE " + q(RETRYING) + " END, attempts = attempts + 1";
    private static final String CHANGED = ", version = version + 1, updated_at = " + NOW;
    private static final String OPEN_UNLEASED = "status IN " + in(LedgerState.open()) + " AND lease_owner IS NULL";
    private static final String INSERT_ROW = "(?, ?, ?, ?, ?, ?, ?)";

    private final String insertPrefix;
    private final String claimDue;
    private final String claimBatch;
    private final String release;
    private final String expiredLeases;
    private final String lockStatus;
    private final String auditRow;
    private final Map<LedgerChange, String> changes = new EnumMap<>(LedgerChange.class);

    MariaDbLedgerSql(LedgerTables tables) {
        super(tables);
        this.insertPrefix = "INSERT INTO " + table + " (batch_id, operation_type, item_index, item_payload,"
                + " failure_reason, max_attempts, created_by) VALUES ";
        String lockOpen = "SELECT id FROM " + table + " WHERE " + OPEN_UNLEASED + " AND ";
        this.claimDue = lockOpen + "next_attempt_at <= " + NOW + " ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED";
        this.claimBatch = lockOpen + "batch_id = ? AND (item_index, id) > (?, ?) ORDER BY item_index, id LIMIT ?"
                + " FOR UPDATE SKIP LOCKED";
        this.release = "UPDATE " + table + " SET " + CLEAR_LEASE + " WHERE id = ? AND version = ? AND lease_owner = ?";
        this.expiredLeases = "SELECT id, status, lease_owner FROM " + table + " WHERE lease_owner IS NOT NULL"
                + " AND lease_expires_at < " + NOW + " AND status IN "
                + in(LedgerState.sourcesOfBoth(RETRYING, MANUAL_REQUIRED))
                + " ORDER BY lease_expires_at LIMIT ? FOR UPDATE SKIP LOCKED";
        this.lockStatus = "SELECT status FROM " + table + " WHERE id = ? FOR UPDATE";
        this.auditRow = "INSERT INTO " + audit + " (item_id, actor, from_status, to_status, version, notes) VALUES ";
        for (LedgerChange change : LedgerChange.values()) {
            changes.put(change, "UPDATE " + table + " t SET " + set(change) + CHANGED + " WHERE t.id = ? AND "
                    + guard(change));
        }
    }

    /** The {@code SET} clause of a change, taking its values in {@link LedgerChange}'s order. */
    private static String set(LedgerChange change) {
        return switch (change) {
            case RESOLVE_LEASED -> "status = " + q(RESOLVED) + ", resolved_at = " + NOW + ", resolved_by = "
                    + q(LedgerStore.SYSTEM) + ", resolution_notes = ?, " + CLEAR_LEASE;
            case FAIL_LEASED -> AFTER_FAILED_RUN + ", " + appendReason("?") + ", next_attempt_at = " + NOW + PLUS_MILLIS
                    + ", " + CLEAR_LEASE;
            case MANUAL_LEASED -> "status = " + q(MANUAL_REQUIRED) + ", " + appendReason("?") + ", " + CLEAR_LEASE;
            case RETRY_NOW -> "status = " + q(PENDING) + ", next_attempt_at = " + NOW + ", " + CLEAR_LEASE;
            case RESOLVE -> "status = " + q(RESOLVED) + ", resolved_at = " + NOW + ", resolved_by = ?,"
                    + " resolution_notes = ?, " + CLEAR_LEASE;
            case ABANDON -> "status = " + q(ABANDONED) + ", resolved_at = " + NOW + ", resolved_by = ?,"
                    + " resolution_notes = ?, " + CLEAR_LEASE;
        };
    }

    /**
     * Appends to the reason, newest last, keeping the last characters. The newline is written as
     * {@code CHAR(10 USING utf8mb4)}: a {@code '\n'} escape would depend on {@code sql_mode}, and a
     * plain {@code CHAR(10)} is binary, which would make {@code RIGHT} count bytes.
     */
    private static String appendReason(String reasonExpression) {
        return "failure_reason = RIGHT(CONCAT(COALESCE(CONCAT(failure_reason, CHAR(10 USING utf8mb4)), ''), "
                + reasonExpression + "), " + LedgerInput.MAX_REASON_LENGTH + ")";
    }

    /** {@code (?, ?, …)} with {@code count} placeholders. */
    private static String placeholders(int count) {
        StringBuilder list = new StringBuilder(count * 3 + 2).append('(');
        for (int i = 0; i < count; i++) {
            list.append(i == 0 ? "?" : ", ?");
        }
        return list.append(')').toString();
    }

    /**
     * A condition on rows named by id, wrapped so the optimizer cannot use it to choose an index:
     * the statement then goes by the primary key and locks only those rows (see the outbox's
     * MariaDB statements, where a status range scan made two transactions wait on each other).
     */
    private static String onNamedRows(String condition) {
        return " AND (" + condition + ") IS TRUE";
    }

    @Override
    String columns() {
        return COLUMNS;
    }

    /** Per row: batch_id, operation_type, item_index, payload JSON, reason, max_attempts, created_by. */
    String insert(int rows) {
        StringBuilder sql = new StringBuilder(insertPrefix.length() + rows * (INSERT_ROW.length() + 2));
        sql.append(insertPrefix);
        for (int row = 0; row < rows; row++) {
            sql.append(row == 0 ? "" : ", ").append(INSERT_ROW);
        }
        return sql.toString();
    }

    /**
     * Items from an id on that have no audit row yet: those this transaction just inserted (every
     * committed item has its first audit row, written in the transaction that inserted it, and other
     * transactions' uncommitted rows are not seen): first id. Gives their natural key to match them
     * to the inserted rows.
     */
    String insertedItems() {
        return "SELECT id, batch_id, operation_type, item_index FROM " + table + " t WHERE id >= ?"
                + " AND NOT EXISTS (SELECT 1 FROM " + audit + " a WHERE a.item_id = t.id) ORDER BY id";
    }

    /** The first audit row of each of the items: ids. */
    String auditRecorded(int count) {
        return "INSERT INTO " + audit + " (item_id, actor, from_status, to_status, version, notes)"
                + " SELECT id, COALESCE(created_by, " + q(LedgerStore.SYSTEM) + "), NULL, status, version, "
                + q(RECORDED) + " FROM " + table + " WHERE id IN " + placeholders(count) + " ORDER BY id";
    }

    /** Locks the ids of due open items, oldest first: limit. */
    String claimDue() {
        return claimDue;
    }

    /** Locks the ids of one batch's open items, due or not, after a position: batch id, after item index, after id, limit. */
    String claimBatch() {
        return claimBatch;
    }

    /** Leases locked items: owner, lease millis, ids. */
    String lease(int count) {
        return "UPDATE " + table + " SET lease_owner = ?, lease_expires_at = " + NOW + PLUS_MILLIS + " WHERE id IN "
                + placeholders(count) + onNamedRows(OPEN_UNLEASED);
    }

    /** Items by id, oldest first: ids. */
    String itemsByIds(int count) {
        return "SELECT " + COLUMNS + " FROM " + table + " WHERE id IN " + placeholders(count) + " ORDER BY id";
    }

    /** Clears one unused lease, without a state change: id, claimed version, owner. */
    String release() {
        return release;
    }

    /** Locks the item, reading the state its change's guard is checked against: id. */
    String lockStatus() {
        return lockStatus;
    }

    /** A change: the change's values, item id, its fence. */
    String change(LedgerChange change) {
        return changes.get(change);
    }

    /** Audit rows: per row item id, actor, from status, to status, version, notes. */
    String auditRows(int rows) {
        StringBuilder sql = new StringBuilder(auditRow);
        for (int row = 0; row < rows; row++) {
            sql.append(row == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?)");
        }
        return sql.toString();
    }

    /** Locks expired leases (id, status, lease owner), soonest expired first: limit. */
    String expiredLeases() {
        return expiredLeases;
    }

    /** Locked expired leases back to retrying (manual_required at max), the lost run counted as an attempt: ids. */
    String reclaim(int count) {
        return "UPDATE " + table + " SET " + appendReason("CONCAT(" + q(LEASE_OF) + ", lease_owner, "
                + q(LOST_RUN_REASON) + ")") + ", " + AFTER_FAILED_RUN + ", next_attempt_at = " + NOW + ", "
                + CLEAR_LEASE + CHANGED + " WHERE id IN " + placeholders(count)
                + onNamedRows("lease_owner IS NOT NULL AND status IN "
                + in(LedgerState.sourcesOfBoth(RETRYING, MANUAL_REQUIRED)));
    }

    /** What changed items became (id, status, version, operation type): ids. */
    String changedItems(int count) {
        return "SELECT id, status, version, operation_type FROM " + table + " WHERE id IN " + placeholders(count)
                + " ORDER BY id";
    }
}
