package dev.mailroom.jdbc.dialect;

/** MariaDB's clock (UTC, as the table holds it), upsert, and no wake-up (relays poll) for the shared tables' statements. */
final class MariaDbOperationsSql extends OperationsSql {

    static final MariaDbOperationsSql INSTANCE = new MariaDbOperationsSql();

    private MariaDbOperationsSql() {
    }

    @Override
    protected String now() {
        return MariaDbOutboxSql.NOW;
    }

    @Override
    public String heartbeat() {
        return "INSERT INTO mailroom_relay_instances (instance_id, service, host, claim_mode, started_at, last_seen_at)"
                + " VALUES (?, ?, ?, ?, " + now() + ", " + now() + ") ON DUPLICATE KEY UPDATE last_seen_at = " + now()
                + ", stopped_at = NULL";
    }

    @Override
    public String wakeRelays() {
        return null;
    }
}
