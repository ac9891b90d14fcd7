package dev.mailroom.ledger;

import java.util.Set;
import java.util.StringJoiner;

/**
 * What the statements of every dialect share for one ledger table: the table names, status values
 * and guards rendered from {@link LedgerState}, the texts the ledger writes, and the reads, whose
 * SQL is the same everywhere but for the column list. Nothing here comes from user input but the
 * validated table names.
 */
abstract class LedgerSql {

    /** Audit notes of an item's first row. */
    static final String RECORDED = "recorded";
    /** Reason and audit notes of a lease that expired: {@code LEASE_OF + owner + ...}. */
    static final String LEASE_OF = "lease of ";
    static final String LOST_RUN_REASON = " expired before its run was recorded";
    static final String LOST_RUN_NOTES = " expired; its run counts as an attempt";

    final String table;
    final String audit;

    LedgerSql(LedgerTables tables) {
        this.table = tables.items().qualified();
        this.audit = tables.audit().qualified();
    }

    /** Columns read by every item query, in {@code LedgerRowMapper}'s order. */
    abstract String columns();

    static String q(LedgerState state) {
        return q(state.dbValue());
    }

    static String q(String literal) {
        return "'" + literal.replace("'", "''") + "'";
    }

    /** {@code (...)}: the states, in declaration order. */
    static String in(Set<LedgerState> states) {
        StringJoiner joined = new StringJoiner(", ", "(", ")");
        for (LedgerState state : LedgerState.values()) {
            if (states.contains(state)) {
                joined.add(q(state));
            }
        }
        return joined.toString();
    }

    /** The fence of a change on the item aliased {@code t}, and the states it may be in. */
    static String guard(LedgerChange change) {
        return (change.leased() ? "t.lease_owner = ? AND t.version = ?" : "t.version = ?") + " AND t.status IN "
                + in(change.sources());
    }

    /** An item's status and version: id. */
    String statusAndVersion() {
        return "SELECT status, version FROM " + table + " WHERE id = ?";
    }

    /** Items after an id, oldest first: the filters present (in this order: batch id, status, operation type), after id, limit. */
    String list(boolean byBatch, boolean byState, boolean byOperationType) {
        return "SELECT " + columns() + " FROM " + table + " WHERE " + (byBatch ? "batch_id = ? AND " : "")
                + (byState ? "status = ? AND " : "") + (byOperationType ? "operation_type = ? AND " : "")
                + "id > ? ORDER BY id LIMIT ?";
    }

    /** One item: id. */
    String find() {
        return "SELECT " + columns() + " FROM " + table + " WHERE id = ?";
    }

    /** An item's audit trail in order: id. */
    String audit() {
        return "SELECT item_id, actor, from_status, to_status, version, notes, changed_at FROM " + audit
                + " WHERE item_id = ? ORDER BY id";
    }
}
