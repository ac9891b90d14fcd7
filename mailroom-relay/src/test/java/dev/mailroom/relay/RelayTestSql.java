package dev.mailroom.relay;

import dev.mailroom.jdbc.dialect.SqlDialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The relay tests' SQL that differs between PostgreSQL and MariaDB, picked once by the dialect. */
final class RelayTestSql {

    private final SqlDialect dialect;

    RelayTestSql(SqlDialect dialect) {
        this.dialect = dialect;
    }

    /** Empties a table and starts its ids again at 1. */
    String emptyTable(String table) {
        return dialect.choose(() -> "TRUNCATE " + table + " RESTART IDENTITY", () -> "TRUNCATE TABLE " + table);
    }

    /** A value for the {@code headers} column from JSON text (a {@code ?} or a literal): jsonb, or MariaDB's JSON text. */
    String json(String text) {
        return dialect.choose(() -> text + "::jsonb", () -> text);
    }

    /** The error the database raises in the transaction it chose as a deadlock's victim. */
    SQLException deadlock() {
        return dialect.choose(() -> new SQLException("deadlock detected (injected)", "40P01"),
                () -> new SQLException("Deadlock found when trying to get lock (injected)", "40001", 1213));
    }

    /**
     * Ends every session of this test's database, other than {@code connection}'s, that sits idle in
     * an open transaction (a row-lock batch awaiting its acknowledgements); returns how many.
     */
    long terminateIdleInTransaction(Connection connection) throws SQLException {
        return dialect.<Terminator>choose(() -> this::terminatePostgres, () -> this::terminateMariaDb).terminate(connection);
    }

    @FunctionalInterface
    private interface Terminator {
        long terminate(Connection connection) throws SQLException;
    }

    /** The test's sessions carry the schema's name as their application name. */
    private long terminatePostgres(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                     + " WHERE state = 'idle in transaction' AND application_name = current_setting('application_name')"
                     + " AND pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The test's sessions are those using its database; idle ones in a transaction show as {@code Sleep} with an InnoDB transaction. */
    private long terminateMariaDb(Connection connection) throws SQLException {
        List<Long> sessions = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT p.ID FROM information_schema.PROCESSLIST p"
                     + " JOIN information_schema.INNODB_TRX t ON t.trx_mysql_thread_id = p.ID"
                     + " WHERE p.DB = DATABASE() AND p.COMMAND = 'Sleep' AND p.ID <> CONNECTION_ID()")) {
            while (rs.next()) {
                sessions.add(rs.getLong(1));
            }
        }
        long killed = 0;
        for (long session : sessions) {
            try (Statement kill = connection.createStatement()) {
                kill.execute("KILL CONNECTION " + session);
                killed++;
            } catch (SQLException e) {
                if (e.getErrorCode() != 1094) { // unknown thread id: it ended meanwhile
                    throw e;
                }
            }
        }
        return killed;
    }
}
