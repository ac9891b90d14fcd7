package dev.mailroom.jdbc.dialect;

import static dev.mailroom.jdbc.dialect.SqlText.list;
import static dev.mailroom.jdbc.dialect.SqlText.placeholders;
import static dev.mailroom.jdbc.dialect.SqlText.q;
import static dev.mailroom.state.OutboxState.DEAD;
import static dev.mailroom.state.OutboxState.DISCARDED;
import static dev.mailroom.state.OutboxState.PENDING;

import dev.mailroom.routing.TableName;
import dev.mailroom.state.OutboxState;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The operator's statements on one outbox (or inbox) table. Search filters are rendered from a
 * fixed list of conditions, each with bound parameters ({@link #where}); sort orders are two fixed
 * texts; status values and the guards of operator moves come from {@link OutboxState}. Nothing here
 * is built from user input but the validated table name. The same text serves every dialect: the
 * clock comes from the dialect's {@link OperationsSql}.
 */
public final class OperatorSql {

    /** The search's columns: the row without its payload, and the payload's size in bytes. */
    static final String SUMMARY_COLUMNS = "id, event_id, event_type, event_key, status, attempts, max_attempts,"
            + " next_attempt_at, last_error, created_at, updated_at, holds_key, tenant_id, correlation_id,"
            + " OCTET_LENGTH(payload)";

    private final String table;
    private final OperationsSql shared;

    OperatorSql(TableName table, OperationsSql shared) {
        this.table = table.qualified();
        this.shared = shared;
    }

    private String now() {
        return shared.now();
    }

    /**
     * The filter's conditions, in this order, each present only when the filter has it: statuses
     * (one placeholder each), event type, key, tenant id, correlation id, event id, created from,
     * created before, error text (case-blind substring), holding rows only, then the keyset cursor
     * (an id, before it when newest first).
     */
    public String where(Set<OutboxState> states, boolean eventType, boolean key, boolean tenantId,
                        boolean correlationId, boolean eventId, boolean createdFrom, boolean createdBefore,
                        boolean errorText, boolean holdingOnly, boolean cursor, boolean newestFirst) {
        StringJoiner where = new StringJoiner(" AND ", " WHERE ", "").setEmptyValue("");
        if (!states.isEmpty()) {
            where.add("status IN " + placeholders(states.size()));
        }
        add(where, eventType, "event_type = ?");
        add(where, key, "event_key = ?");
        add(where, tenantId, "tenant_id = ?");
        add(where, correlationId, "correlation_id = ?");
        add(where, eventId, "event_id = ?");
        add(where, createdFrom, "created_at >= ?");
        add(where, createdBefore, "created_at < ?");
        add(where, errorText, "POSITION(LOWER(?) IN LOWER(last_error)) > 0");
        add(where, holdingOnly, "holds_key");
        add(where, cursor, newestFirst ? "id < ?" : "id > ?");
        return where.toString();
    }

    static void add(StringJoiner where, boolean present, String condition) {
        if (present) {
            where.add(condition);
        }
    }

    /** A page of rows matching a {@link #where} clause, in id order: its parameters, then the limit. */
    public String search(String where, boolean newestFirst) {
        return "SELECT " + SUMMARY_COLUMNS + " FROM " + table + where + " ORDER BY id " + (newestFirst ? "DESC" : "ASC")
                + " LIMIT ?";
    }

    /** How many rows match a {@link #where} clause: its parameters. */
    public String count(String where) {
        return "SELECT COUNT(*) FROM " + table + where;
    }

    /** Ids of rows matching a {@link #where} clause, oldest first: its parameters, then the limit. */
    public String ids(String where) {
        return "SELECT id FROM " + table + where + " ORDER BY id LIMIT ?";
    }

    /** Which of the listed ids are dead rows (holding their key, when {@code holdingOnly}): ids. */
    public String deadAmong(int count, boolean holdingOnly) {
        return "SELECT id FROM " + table + " WHERE id IN " + placeholders(count) + " AND status = " + q(DEAD)
                + (holdingOnly ? " AND holds_key" : "") + " ORDER BY id";
    }

    /** One row in full by id (the store's columns): id. */
    public String rowById(String columns) {
        return "SELECT " + columns + " FROM " + table + " WHERE id = ?";
    }

    /** Replays dead rows: pending again, due now, attempts reset, the last error kept, no longer holding its key: ids. */
    public String replay(int count) {
        return "UPDATE " + table + " SET status = " + q(PENDING) + ", attempts = 0, next_attempt_at = " + now()
                + ", holds_key = FALSE, lease_owner = NULL, lease_expires_at = NULL, updated_at = " + now()
                + " WHERE id IN " + placeholders(count) + operatorGuard(PENDING);
    }

    /** Sets dead rows aside for good: ids. */
    public String discard(int count) {
        return "UPDATE " + table + " SET status = " + q(DISCARDED) + ", holds_key = FALSE, updated_at = " + now()
                + " WHERE id IN " + placeholders(count) + operatorGuard(DISCARDED);
    }

    /** Frees the keys dead rows hold; the rows stay dead: ids. */
    public String skip(int count) {
        return "UPDATE " + table + " SET holds_key = FALSE, updated_at = " + now() + " WHERE id IN "
                + placeholders(count) + " AND status = " + q(DEAD) + " AND holds_key";
    }

    /**
     * Dead rows holding their keys, oldest first, each with how many pending rows of its key wait
     * behind it: limit.
     */
    public String heldKeys() {
        return "SELECT h.id, h.event_id, h.event_key, h.event_type, h.last_error, h.updated_at,"
                + " (SELECT COUNT(*) FROM " + table + " w WHERE w.event_key = h.event_key AND w.status = " + q(PENDING)
                + " AND w.id > h.id) FROM " + table + " h WHERE h.status = " + q(DEAD) + " AND h.holds_key"
                + " ORDER BY h.id LIMIT ?";
    }

    /** Pending rows that failed at least once (waiting for or due for a retry). */
    public String retrying() {
        return "SELECT COUNT(*) FROM " + table + " WHERE status = " + q(PENDING) + " AND attempts > 0";
    }

    /** Dead rows holding their keys. */
    public String holding() {
        return "SELECT COUNT(*) FROM " + table + " WHERE status = " + q(DEAD) + " AND holds_key";
    }

    /** The guard of an operator move: the states the state machine lets an operator move a row from. */
    private static String operatorGuard(OutboxState target) {
        return " AND status IN (" + list(OutboxState.operatorSourcesOf(target)) + ")";
    }

}
