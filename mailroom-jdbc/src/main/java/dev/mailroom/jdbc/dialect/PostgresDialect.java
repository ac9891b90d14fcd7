package dev.mailroom.jdbc.dialect;

import dev.mailroom.routing.TableName;
import java.sql.SQLException;
import java.time.Duration;

/** PostgreSQL 13+: {@code FOR UPDATE SKIP LOCKED}, arrays, {@code RETURNING}, advisory locks. */
final class PostgresDialect implements SqlDialect {

    static final PostgresDialect INSTANCE = new PostgresDialect();

    /** Arbitrary constant shared by every Mailroom migrator on the cluster ("mailroom" in ASCII). */
    private static final long MIGRATION_LOCK_KEY = 0x6d61696c726f6f6dL;

    private PostgresDialect() {
    }

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public OutboxSql outboxSql(TableName table) {
        return new PostgresOutboxSql(table);
    }

    @Override
    public String outboxMigrationsPath() {
        return "dev/mailroom/db/postgresql/outbox/";
    }

    @Override
    public String migrationLockSql() {
        return "SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK_KEY + ")";
    }

    @Override
    public String createHistoryTableSql() {
        return """
                CREATE TABLE IF NOT EXISTS mailroom_schema_history (
                    scope        text        NOT NULL,
                    version      integer     NOT NULL,
                    description  text        NOT NULL,
                    checksum     bigint      NOT NULL,
                    installed_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (scope, version)
                )""";
    }

    @Override
    public String asynchronousCommitSql() {
        return "SET LOCAL synchronous_commit TO OFF";
    }

    /**
     * Measured: with statistics from an empty table (reltuples 0, e.g. right after a TRUNCATE or a
     * drain with deleted rows), a key-ordered claim of 500 rows over 8,000 rows took 1.5-3.3 s: a
     * sequential scan per key probe. The claim's every step has an index (pending ids, key order),
     * so sequential scans are switched off for the claim's transaction only.
     */
    @Override
    public String indexedClaimSql() {
        return "SET LOCAL enable_seqscan TO OFF";
    }

    /**
     * Both settings apply to the rest of the running transaction (checked: a {@code SET LOCAL}
     * idle timeout ends the session holding it, releasing its locks; the client then sees SQL state
     * 25P03 or a closed connection). In milliseconds, at least 1 (0 would switch them off), at most
     * what an integer setting holds (24 days).
     */
    @Override
    public String lockTimeoutSql(Duration timeout) {
        long millis = Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        return "SET LOCAL idle_in_transaction_session_timeout = " + millis + "; SET LOCAL statement_timeout = " + millis;
    }

    @Override
    public SqlErrorKind classify(SQLException error) {
        String state = error.getSQLState();
        if (state == null) {
            return SqlErrorKind.OTHER;
        }
        // 25P03: the server ended the session after idle_in_transaction_session_timeout (a hung relay's lock timeout)
        if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
                || state.equals("53300") || state.equals("25P03")) {
            return SqlErrorKind.UNAVAILABLE;
        }
        return switch (state) {
            case "42P01" -> SqlErrorKind.UNDEFINED_TABLE;
            case "23505" -> SqlErrorKind.UNIQUE_VIOLATION;
            case "40001", "40P01" -> SqlErrorKind.CONFLICT;
            // 54000: program_limit_exceeded, e.g. an index entry over the B-tree's size limit
            default -> state.startsWith("22") || state.startsWith("23") || state.equals("54000")
                    ? SqlErrorKind.INVALID_DATA : SqlErrorKind.OTHER;
        };
    }
}
