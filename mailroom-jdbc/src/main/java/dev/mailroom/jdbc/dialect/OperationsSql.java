package dev.mailroom.jdbc.dialect;

import java.util.StringJoiner;

/**
 * The statements on the tables every service shares, the operators' audit trail
 * ({@code mailroom_audit}) and the relays' heartbeats ({@code mailroom_relay_instances}), and each
 * dialect's clock, upsert and wake-up ({@code PostgresOperationsSql}, {@code MariaDbOperationsSql}).
 */
public abstract class OperationsSql {

    private static final String AUDIT_COLUMNS = "id, at, actor, action, target, selection, rows_changed, reason";
    private static final String INSTANCE_COLUMNS = "instance_id, service, host, claim_mode, started_at, last_seen_at,"
            + " stopped_at";

    /** The database's current time, in the form Mailroom's timestamps hold it. */
    protected abstract String now();

    /**
     * Records a relay instance's heartbeat, inserting its row the first time: instance id, service,
     * host, claim mode.
     */
    public abstract String heartbeat();

    /** Wakes the relays listening on a channel after an operator made rows due ({@code NOTIFY}): channel; null where relays poll. */
    public abstract String wakeRelays();

    /** Records an operator's write: actor, action, target, selection (JSON), rows changed, reason. */
    public String audit() {
        return "INSERT INTO mailroom_audit (actor, action, target, selection, rows_changed, reason, at)"
                + " VALUES (?, ?, ?, ?, ?, ?, " + now() + ")";
    }

    /** Audit records, newest first: optional target and action conditions, an optional id cursor, then the limit. */
    public String auditRecords(boolean target, boolean action, boolean cursor) {
        StringJoiner where = new StringJoiner(" AND ", " WHERE ", "").setEmptyValue("");
        OperatorSql.add(where, target, "target = ?");
        OperatorSql.add(where, action, "action = ?");
        OperatorSql.add(where, cursor, "id < ?");
        return "SELECT " + AUDIT_COLUMNS + " FROM mailroom_audit" + where + " ORDER BY id DESC LIMIT ?";
    }

    /** Marks a relay instance stopped: instance id. */
    public String instanceStopped() {
        return "UPDATE mailroom_relay_instances SET stopped_at = " + now() + ", last_seen_at = " + now()
                + " WHERE instance_id = ?";
    }

    /** Every relay instance, with the database's clock to judge the last heartbeat by. */
    public String instances() {
        return "SELECT " + INSTANCE_COLUMNS + ", " + now() + " FROM mailroom_relay_instances ORDER BY service, started_at";
    }

    /** Forgets instances stopped or silent since before a cutoff: cutoff. */
    public String forgetInstances() {
        return "DELETE FROM mailroom_relay_instances WHERE last_seen_at < ?";
    }

}
