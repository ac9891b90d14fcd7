package dev.mailroom.jdbc;

import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.testkit.db.TestDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;
import org.mariadb.jdbc.MariaDbDataSource;

/** The JDBC module's test SQL that differs between PostgreSQL and MariaDB, picked once by the dialect. */
public final class JdbcTestSql {

    private final SqlDialect dialect;

    public JdbcTestSql(SqlDialect dialect) {
        this.dialect = dialect;
    }

    /** Statements that empty the tables and start their ids again at 1. */
    public List<String> emptyTables(String... tables) {
        return dialect.choose(() -> List.of("TRUNCATE " + String.join(", ", tables) + " RESTART IDENTITY"),
                () -> Arrays.stream(tables).map(table -> "TRUNCATE TABLE " + table).toList());
    }

    /** Ids as a claim journal record keeps them: a {@code bigint[]} literal, or a JSON array. */
    public String idList(long... ids) {
        String list = java.util.Arrays.stream(ids).mapToObj(Long::toString).collect(java.util.stream.Collectors.joining(","));
        return dialect.choose(() -> "'{" + list + "}'", () -> "'[" + list + "]'");
    }

    /** A claim journal record's ids that name no row: a {@code bigint[]} with a null, a JSON array of text. */
    public String malformedIdList() {
        return dialect.choose(() -> "'{NULL,1}'", () -> "'[\"x\", 1]'");
    }

    /** The database's current time, in the time the outbox columns hold (MariaDB: UTC). */
    public String now() {
        return dialect.choose(() -> "now()", () -> "UTC_TIMESTAMP(6)");
    }

    /** The database's current time plus {@code offset} (whole seconds; negative for the past). */
    public String nowPlus(Duration offset) {
        long seconds = offset.toSeconds();
        return dialect.choose(() -> "(now() + interval '" + seconds + " seconds')",
                () -> "(UTC_TIMESTAMP(6) + INTERVAL " + seconds + " SECOND)");
    }

    /** An aggregate of the {@code id} column: the ids in order, comma-separated. */
    public String idsInOrder() {
        return dialect.choose(() -> "string_agg(id::text, ',' ORDER BY id)",
                () -> "GROUP_CONCAT(id ORDER BY id SEPARATOR ',')");
    }

    /** The column type of an event id. */
    public String uuidType() {
        return dialect.choose(() -> "uuid", () -> "CHAR(36)");
    }

    /** The schema (PostgreSQL) or database (MariaDB) the session works in. */
    public String currentSchema() {
        return dialect.choose(() -> "current_schema()", () -> "DATABASE()");
    }

    /** The names of a table's indexes and triggers, one per row. */
    public String schemaObjectsOf(String table) {
        return dialect.choose(() -> "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
                        + " AND tablename = '" + table + "' UNION ALL SELECT tgname FROM pg_trigger"
                        + " WHERE tgrelid = '" + table + "'::regclass AND NOT tgisinternal",
                () -> "SELECT DISTINCT index_name FROM information_schema.statistics"
                        + " WHERE table_schema = DATABASE() AND table_name = '" + table + "'");
    }

    /** The error the database raises in the transaction it picked as a deadlock's victim. */
    public SQLException deadlock(String message) {
        return dialect.choose(() -> new SQLException(message, "40P01"), () -> new SQLException(message, "40001", 1213));
    }

    /**
     * What a session runs first in a transaction that must not be the victim of a deadlock it
     * closes. PostgreSQL: the session that waits {@code deadlock_timeout} first finds the deadlock
     * and is rolled back, so this one waits longer. MariaDB: InnoDB finds it at once and rolls back
     * the transaction that changed fewer rows, so this one changes the rows after {@code lastId}
     * first (the caller publishes some for that).
     */
    public String outlastDeadlocks(String table, long lastId) {
        return dialect.choose(() -> "SET LOCAL deadlock_timeout = '30s'",
                () -> "UPDATE " + table + " SET last_error = 'outweighs the other' WHERE id > " + lastId);
    }

    /** How many sessions of this test's database wait on a row lock in a statement starting with {@code prefix}. */
    public String sessionsWaitingOnLocks(String prefix) {
        return dialect.choose(() -> "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                        + " AND query LIKE '" + prefix + "%' AND application_name = current_setting('application_name')",
                () -> "SELECT count(*) FROM information_schema.innodb_trx t JOIN information_schema.processlist p"
                        + " ON p.id = t.trx_mysql_thread_id WHERE t.trx_state = 'LOCK WAIT' AND p.db = DATABASE()"
                        + " AND t.trx_query LIKE '" + prefix + "%'");
    }

    /** The SQL state of a statement the session's statement timeout cancelled. */
    public String statementTimeoutSqlState() {
        return dialect.choose(() -> "57014", () -> "70100");
    }

    /** The session's idle-in-transaction and statement timeouts, as two columns. */
    public String sessionTimeouts() {
        return dialect.choose(() -> "SELECT current_setting('idle_in_transaction_session_timeout'),"
                        + " current_setting('statement_timeout')",
                () -> "SELECT @@SESSION.idle_transaction_timeout, @@SESSION.max_statement_time");
    }

    /** A data source for a loopback port where nothing listens (2 s connect timeout): a database that is down. */
    public DataSource unreachable() {
        return dialect.choose(TestDatabases::unreachablePostgres, () -> {
            try {
                return new MariaDbDataSource("jdbc:mariadb://127.0.0.1:" + closedPort() + "/test?user=root&connectTimeout=2000");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /**
     * Ends every session of this test's database, other than {@code connection}'s, that sits idle in
     * an open transaction (a row-lock batch awaiting its settlement); returns how many.
     */
    public long endIdleTransactions(Connection connection) throws SQLException {
        return dialect.<SessionEnder>choose(() -> JdbcTestSql::endPostgresSessions, () -> JdbcTestSql::endMariaDbSessions)
                .end(connection);
    }

    @FunctionalInterface
    private interface SessionEnder {
        long end(Connection connection) throws SQLException;
    }

    /** The test's sessions carry the schema's name as their application name. */
    private static long endPostgresSessions(Connection connection) throws SQLException {
        return queryLong(connection, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                + " WHERE state = 'idle in transaction' AND application_name = current_setting('application_name')"
                + " AND pid <> pg_backend_pid()");
    }

    /** The test's sessions are those using its database; idle ones in a transaction sleep with an InnoDB transaction. */
    private static long endMariaDbSessions(Connection connection) throws SQLException {
        List<Long> sessions = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT p.id FROM information_schema.processlist p"
                     + " JOIN information_schema.innodb_trx t ON t.trx_mysql_thread_id = p.id"
                     + " WHERE p.db = DATABASE() AND p.command = 'Sleep' AND p.id <> CONNECTION_ID()")) {
            while (rs.next()) {
                sessions.add(rs.getLong(1));
            }
        }
        for (long session : sessions) {
            try (Statement kill = connection.createStatement()) {
                kill.execute("KILL CONNECTION " + session);
            }
        }
        return sessions.size();
    }

    private static long queryLong(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
