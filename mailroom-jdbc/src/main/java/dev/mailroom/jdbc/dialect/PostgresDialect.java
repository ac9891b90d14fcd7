package dev.mailroom.jdbc.dialect;

import dev.mailroom.routing.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.function.Supplier;

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
    public <T> T choose(Supplier<T> postgresql, Supplier<T> mariadb) {
        return postgresql.get();
    }

    @Override
    public OutboxOperations outbox(TableName table, Set<String> keyHoldingTypes) {
        return new PostgresOutboxOperations(this, new PostgresOutboxSql(table), table, keyHoldingTypes);
    }

    @Override
    public OperationsSql operations() {
        return PostgresOperationsSql.INSTANCE;
    }

    @Override
    public void setInstant(PreparedStatement statement, int index, Instant value) throws SQLException {
        statement.setObject(index, value == null ? null : value.atOffset(ZoneOffset.UTC));
    }

    /** A trigger on every outbox table {@code NOTIFY}s the service's channel on commit (see V1__outbox.sql). */
    @Override
    public boolean notifiesOnCommit() {
        return true;
    }

    @Override
    public void setUuid(PreparedStatement statement, int index, UUID value) throws SQLException {
        statement.setObject(index, value);
    }

    @Override
    public UUID getUuid(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, UUID.class);
    }

    @Override
    public Instant getInstant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    @Override
    public String outboxMigrationsPath() {
        return "dev/mailroom/db/postgresql/outbox/";
    }

    @Override
    public Optional<String> timePartitionedMigrationsPath() {
        return Optional.of("dev/mailroom/db/postgresql/outbox-time-partitioned/");
    }

    /** A session-level advisory lock, so it spans every script's transaction. */
    @Override
    public MigrationLock lockMigrations(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_lock(" + MIGRATION_LOCK_KEY + ")");
        }
        return () -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SELECT pg_advisory_unlock(" + MIGRATION_LOCK_KEY + ")");
            }
        };
    }

    @Override
    public boolean transactionalDdl() {
        return true;
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

    /**
     * Everything with {@code SET LOCAL}, in one round trip, ending with the transaction:
     * <ul>
     *   <li>asynchronous commit: {@code synchronous_commit = off};</li>
     *   <li>the lock timeout: {@code idle_in_transaction_session_timeout} and {@code statement_timeout}
     *   (checked: an idle timeout ends the session holding it, releasing its locks; the client then
     *   sees SQL state 25P03 or a closed connection), in milliseconds, at least 1 (0 would switch
     *   them off), at most what an integer setting holds (24 days);</li>
     *   <li>for a claim, no sequential scans. Measured: with statistics from an empty table
     *   (reltuples 0, e.g. right after a TRUNCATE or a drain with deleted rows), a key-ordered claim
     *   of 500 rows over 8,000 rows took 1.5-3.3 s, a sequential scan per key probe; every step of
     *   the claim has an index (pending ids, key order);</li>
     *   <li>for every transaction, a plan made for the table as it is now
     *   ({@code plan_cache_mode = force_custom_plan}). The statements are server-side prepared, and
     *   PostgreSQL gives a prepared statement a generic plan after five runs, kept until the table's
     *   statistics change. Made while the table was empty (new, truncated, or analyzed between
     *   bursts), that plan scans the whole table where an index finds a handful of rows: a claim's
     *   key probe walked every older row (0.2-3.8 s per claim), a settlement's
     *   {@code UPDATE ... WHERE id = ANY(?)} read all 50,000 rows for three (18 ms against 0.2). The
     *   price is planning each statement (0.3-0.5 ms per claim measured, less for the rest);</li>
     *   <li>for every transaction, no JIT compilation ({@code jit = off}). Mailroom's statements read
     *   and write a few hundred rows through indexes; compiling them never pays. With a grown table
     *   (and statistics behind it) the partition claim's estimated cost passed {@code jit_above_cost}
     *   and every claim compiled 67 functions first: 12 ms per claim of 500 became 42 ms
     *   (auto_explain at 15,000 events/s offered).</li>
     * </ul>
     */
    @Override
    public SessionChanges beginRelayTransaction(Connection connection, RelayTransaction settings) throws SQLException {
        StringJoiner sql = new StringJoiner("; ");
        if (settings.asynchronousCommit()) {
            sql.add("SET LOCAL synchronous_commit TO OFF");
        }
        if (settings.lockTimeout() != null) {
            long millis = Math.max(1, Math.min(Integer.MAX_VALUE, settings.lockTimeout().toMillis()));
            sql.add("SET LOCAL idle_in_transaction_session_timeout = " + millis);
            sql.add("SET LOCAL statement_timeout = " + millis);
        }
        if (settings.claim()) {
            sql.add("SET LOCAL enable_seqscan TO OFF");
        }
        sql.add("SET LOCAL plan_cache_mode TO force_custom_plan");
        sql.add("SET LOCAL jit TO OFF");
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql.toString());
        }
        return SessionChanges.NONE;
    }

    @Override
    public boolean singleStatementNeedsTransaction(RelayTransaction settings) {
        return settings.asynchronousCommit();
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
