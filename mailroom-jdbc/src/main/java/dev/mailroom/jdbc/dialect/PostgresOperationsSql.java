package dev.mailroom.jdbc.dialect;

/** PostgreSQL's clock, upsert and wake-up for the shared tables' statements. */
final class PostgresOperationsSql extends OperationsSql {

    static final PostgresOperationsSql INSTANCE = new PostgresOperationsSql();

    private PostgresOperationsSql() {
    }

    @Override
    protected String now() {
        return "now()";
    }

    @Override
    public String heartbeat() {
        return "INSERT INTO mailroom_relay_instances (instance_id, service, host, claim_mode, started_at, last_seen_at)"
                + " VALUES (?, ?, ?, ?, now(), now()) ON CONFLICT (instance_id) DO UPDATE SET last_seen_at = now(),"
                + " stopped_at = NULL";
    }

    /** The channel the table's insert trigger notifies: listening relays claim at once. */
    @Override
    public String wakeRelays() {
        return "SELECT pg_notify(?, '')";
    }
}
