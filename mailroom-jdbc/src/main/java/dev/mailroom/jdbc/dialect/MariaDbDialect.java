package dev.mailroom.jdbc.dialect;

import dev.mailroom.routing.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * MariaDB 10.6+ ({@code FOR UPDATE SKIP LOCKED}, expression defaults): event ids as {@code CHAR(36)},
 * timestamps as {@code DATETIME(6)} in UTC, {@code GET_LOCK} for migrations, no transactional DDL,
 * relays that poll. The relay's transactions run at {@code READ COMMITTED}.
 */
final class MariaDbDialect implements SqlDialect {

    static final MariaDbDialect INSTANCE = new MariaDbDialect();

    private static final String MIGRATION_LOCK = "'mailroom_migrations'";
    /** How long a migrator waits for another one to finish. */
    private static final int MIGRATION_LOCK_WAIT_SECONDS = 600;

    /** Lost or refused connections and server shutdowns, by vendor code. */
    private static final Set<Integer> UNAVAILABLE = Set.of(
            1040,  // too many connections
            1053,  // server shutdown in progress
            1077, 1078, 1079, 1080,  // shutdown stages
            1152, 1153, 1154, 1158, 1159, 1160, 1161,  // aborted connection, packet errors
            1927,  // connection was killed
            2002, 2003, 2006, 2013,  // client: cannot connect, server gone away, lost connection
            4031); // disconnected by the server for idling in a transaction (a hung relay's lock timeout)
    /** Values the database refused, by vendor code (their SQL states are not always 22/23). */
    private static final Set<Integer> INVALID_DATA = Set.of(
            1048,  // column cannot be null
            1264,  // out of range
            1292,  // incorrect value
            1366,  // incorrect string value (e.g. not valid in the column's character set)
            1406,  // data too long
            1452,  // foreign key
            3140,  // invalid JSON (MySQL)
            4025); // CHECK constraint failed (including JSON_VALID of a JSON column)

    private MariaDbDialect() {
    }

    @Override
    public String name() {
        return "mariadb";
    }

    @Override
    public <T> T choose(Supplier<T> postgresql, Supplier<T> mariadb) {
        return mariadb.get();
    }

    @Override
    public OutboxOperations outbox(TableName table, Set<String> keyHoldingTypes) {
        return new MariaDbOutboxOperations(this, new MariaDbOutboxSql(table), keyHoldingTypes);
    }

    @Override
    public OperationsSql operations() {
        return MariaDbOperationsSql.INSTANCE;
    }

    @Override
    public void setInstant(PreparedStatement statement, int index, Instant value) throws SQLException {
        statement.setObject(index, value == null ? null : LocalDateTime.ofInstant(value, ZoneOffset.UTC));
    }

    @Override
    public boolean notifiesOnCommit() {
        return false;
    }

    @Override
    public void setUuid(PreparedStatement statement, int index, UUID value) throws SQLException {
        statement.setString(index, value == null ? null : value.toString());
    }

    /** The column's {@code CHECK} admits only the 8-4-4-4-12 hex form, so parsing it cannot fail on a stored row. */
    @Override
    public UUID getUuid(ResultSet rs, int column) throws SQLException {
        String text = rs.getString(column);
        return text == null ? null : UUID.fromString(text);
    }

    /** {@code DATETIME(6)} holds UTC wall-clock time (every default and statement uses {@code UTC_TIMESTAMP(6)}). */
    @Override
    public Instant getInstant(ResultSet rs, int column) throws SQLException {
        LocalDateTime time = rs.getObject(column, LocalDateTime.class);
        return time == null ? null : time.toInstant(ZoneOffset.UTC);
    }

    @Override
    public String outboxMigrationsPath() {
        return "dev/mailroom/db/mariadb/outbox/";
    }

    /** {@code GET_LOCK}: a named lock of the session, server-wide, released by {@code RELEASE_LOCK} or the session's end. */
    @Override
    public MigrationLock lockMigrations(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT GET_LOCK(" + MIGRATION_LOCK + ", "
                     + MIGRATION_LOCK_WAIT_SECONDS + ")")) {
            rs.next();
            if (rs.getInt(1) != 1) {
                throw new SQLException("another migrator held the migration lock for " + MIGRATION_LOCK_WAIT_SECONDS
                        + " s", "55P03");
            }
        }
        return () -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SELECT RELEASE_LOCK(" + MIGRATION_LOCK + ")");
            }
        };
    }

    @Override
    public boolean transactionalDdl() {
        return false;
    }

    @Override
    public String createHistoryTableSql() {
        return """
                CREATE TABLE IF NOT EXISTS mailroom_schema_history (
                    scope        VARCHAR(255) NOT NULL,
                    version      INT          NOT NULL,
                    description  VARCHAR(255) NOT NULL,
                    checksum     BIGINT       NOT NULL,
                    installed_at DATETIME(6)  NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
                    PRIMARY KEY (scope, version)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin""";
    }

    /**
     * {@code READ COMMITTED} for the relay's transactions: its locking reads then lock only the rows
     * they return (no gap or next-key locks that would block publishers' inserts or deadlock two
     * relays), and each statement reads what is committed now. The lock timeout becomes the
     * session's {@code idle_transaction_timeout} and {@code max_statement_time} (whole seconds,
     * rounded up). Both are put back when the transaction ended, so a pooled connection goes back
     * to the application as it came. No asynchronous commit: InnoDB's log flush is server-wide.
     */
    @Override
    public SessionChanges beginRelayTransaction(Connection connection, RelayTransaction settings) throws SQLException {
        int isolation = connection.getTransactionIsolation();
        if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
            connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        }
        boolean timeout = settings.lockTimeout() != null;
        if (timeout) {
            long seconds = Math.max(1, (settings.lockTimeout().toMillis() + 999) / 1000);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET SESSION idle_transaction_timeout = " + seconds
                        + ", SESSION max_statement_time = " + seconds);
            }
        }
        if (!timeout && isolation == Connection.TRANSACTION_READ_COMMITTED) {
            return SessionChanges.NONE;
        }
        return undone -> {
            if (timeout) {
                try (Statement statement = undone.createStatement()) {
                    statement.execute("SET SESSION idle_transaction_timeout = DEFAULT, SESSION max_statement_time = DEFAULT");
                }
            }
            if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
                undone.setTransactionIsolation(isolation);
            }
        };
    }

    /** MariaDB sets nothing per transaction that one statement needs (its timeouts guard open transactions). */
    @Override
    public boolean singleStatementNeedsTransaction(RelayTransaction settings) {
        return false;
    }

    @Override
    public SqlErrorKind classify(SQLException error) {
        int code = error.getErrorCode();
        String state = error.getSQLState() == null ? "" : error.getSQLState();
        if (state.startsWith("08") || UNAVAILABLE.contains(code)) {
            return SqlErrorKind.UNAVAILABLE;
        }
        return switch (code) {
            case 1146 -> SqlErrorKind.UNDEFINED_TABLE;
            case 1062 -> SqlErrorKind.UNIQUE_VIOLATION;
            // deadlock; lock wait timeout (only the statement rolled back: the caller rolls back the rest)
            case 1213, 1205 -> SqlErrorKind.CONFLICT;
            default -> INVALID_DATA.contains(code) || state.startsWith("22") || state.startsWith("23")
                    ? SqlErrorKind.INVALID_DATA : SqlErrorKind.OTHER;
        };
    }
}
