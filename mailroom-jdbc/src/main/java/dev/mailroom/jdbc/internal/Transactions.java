package dev.mailroom.jdbc.internal;

import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.dialect.SqlErrorKind;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs work in one short transaction on a pooled connection, restoring its auto-commit setting. */
public final class Transactions {

    /** Tries of a transaction that keeps losing serialization conflicts or deadlocks, the first included. */
    public static final int MAX_CONFLICT_ATTEMPTS = 4;
    private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);
    private static final long CONFLICT_BACKOFF_MILLIS = 20;

    private Transactions() {
    }

    /** Work on a connection inside a transaction; must neither commit nor roll back. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Prepares a connection's session for a transaction before its first statement; see {@link SqlDialect#beginRelayTransaction}. */
    @FunctionalInterface
    public interface SessionSetup {
        SqlDialect.SessionChanges begin(Connection connection) throws SQLException;
    }

    /** Commits when {@code work} returns, rolls back and rethrows when it throws. */
    public static <T> T inTransaction(DataSource dataSource, SqlWork<T> work) throws SQLException {
        return inTransaction(dataSource, connection -> SqlDialect.SessionChanges.NONE, work);
    }

    /**
     * Like {@link #inTransaction(DataSource, SqlWork)}, with the session set up first and put back
     * once the transaction ended.
     */
    public static <T> T inTransaction(DataSource dataSource, SessionSetup setup, SqlWork<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            SqlDialect.SessionChanges changes = SqlDialect.SessionChanges.NONE;
            try {
                changes = setup.begin(connection);
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly(connection, e);
                throw e;
            } finally {
                undoQuietly(connection, changes);
                restoreAutoCommit(connection, autoCommit);
            }
        }
    }

    /**
     * Like {@link #inTransaction(DataSource, SqlWork)}, but a transaction the database rolled back
     * for a serialization failure or a deadlock ({@link SqlErrorKind#CONFLICT}) is run again from the
     * start, up to {@value #MAX_CONFLICT_ATTEMPTS} times with a short random backoff. Only for work
     * that is safe to repeat: everything it did rolled back with the failed try.
     */
    public static <T> T inTransactionRetryingConflicts(DataSource dataSource, SqlDialect dialect, SqlWork<T> work)
            throws SQLException {
        return inTransactionRetryingConflicts(dataSource, dialect, connection -> SqlDialect.SessionChanges.NONE, work);
    }

    /** The same, with the session set up for each try as in {@link #inTransaction(DataSource, SessionSetup, SqlWork)}. */
    public static <T> T inTransactionRetryingConflicts(DataSource dataSource, SqlDialect dialect, SessionSetup setup,
                                                       SqlWork<T> work) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return inTransaction(dataSource, setup, work);
            } catch (SQLException e) {
                if (attempt >= MAX_CONFLICT_ATTEMPTS || dialect.classify(e) != SqlErrorKind.CONFLICT) {
                    throw e;
                }
                LOG.debug("Transaction lost a conflict (SQL state {}), try {} of {}", e.getSQLState(), attempt,
                        MAX_CONFLICT_ATTEMPTS);
                backOff(attempt, e);
            }
        }
    }

    /** A random pause growing with the attempt, so two transactions that collided do not collide again. */
    private static void backOff(int attempt, SQLException conflict) throws SQLException {
        try {
            TimeUnit.MILLISECONDS.sleep(ThreadLocalRandom.current().nextLong(1, CONFLICT_BACKOFF_MILLIS * attempt + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw conflict;
        }
    }

    private static void rollbackQuietly(Connection connection, Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException rollbackError) {
            cause.addSuppressed(rollbackError);
        }
    }

    /** Puts the session back; a connection that cannot be put back is closed by the pool's own checks. */
    public static void undoQuietly(Connection connection, SqlDialect.SessionChanges changes) {
        try {
            if (changes != SqlDialect.SessionChanges.NONE && !connection.isClosed()) {
                changes.undo(connection);
            }
        } catch (SQLException e) {
            LOG.warn("Could not put a connection's session settings back ({}); closing it", e.getMessage());
            abort(connection);
        }
    }

    private static void abort(Connection connection) {
        try {
            connection.abort(Runnable::run);
        } catch (SQLException | RuntimeException ignored) {
            // the pool discards a connection it finds closed
        }
    }

    private static void restoreAutoCommit(Connection connection, boolean autoCommit) {
        try {
            if (!connection.isClosed()) {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException ignored) {
            // the connection is broken; the pool discards it
        }
    }
}
