package dev.mailroom.jdbc.store;

import dev.mailroom.jdbc.StoreException;
import dev.mailroom.jdbc.dialect.RelayTransaction;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.internal.StoreErrors;
import dev.mailroom.jdbc.internal.Transactions;
import dev.mailroom.routing.TableName;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * How the store's transactions run: the relay's own bookkeeping with its per-transaction settings
 * (asynchronous commit, lock timeout, index-only claim plans) and conflict retries; the caller's
 * work exactly once; every {@link SQLException} translated for the store's table.
 */
final class StoreTransactions {

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final TableName table;
    private final boolean asynchronousCommit;
    private static final RelayTransaction PLAIN = new RelayTransaction(false, false, null);
    /** Longest a relay transaction may sit idle or run one statement; null: the server's settings. */
    private final Duration lockTimeout;

    StoreTransactions(DataSource dataSource, SqlDialect dialect, TableName table, boolean asynchronousCommit,
                      Duration lockTimeout) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.table = table;
        this.asynchronousCommit = asynchronousCommit;
        this.lockTimeout = lockTimeout;
    }

    StoreTransactions withAsynchronousCommit() {
        return new StoreTransactions(dataSource, dialect, table, true, lockTimeout);
    }

    StoreTransactions withLockTimeout(Duration timeout) {
        return new StoreTransactions(dataSource, dialect, table, asynchronousCommit, timeout);
    }

    SqlDialect dialect() {
        return dialect;
    }

    String table() {
        return table.qualified();
    }

    /** The relay's bookkeeping: its settings first; a transaction lost to a conflict is run again. */
    <T> T relay(String operation, boolean claim, Transactions.SqlWork<T> work) {
        RelayTransaction settings = new RelayTransaction(claim, asynchronousCommit, lockTimeout);
        return retrying(operation, connection -> dialect.beginRelayTransaction(connection, settings), work);
    }

    /**
     * One statement of the relay's bookkeeping, committed before it returns: in auto-commit where
     * the dialect allows (one round trip), else as {@link #relay} without claim settings.
     */
    <T> T relayStatement(String operation, Transactions.SqlWork<T> work) {
        RelayTransaction settings = new RelayTransaction(false, asynchronousCommit, lockTimeout);
        if (dialect.singleStatementNeedsTransaction(settings)) {
            return relay(operation, false, work);
        }
        return autoCommitted(operation, work);
    }

    /**
     * One statement in auto-commit, one round trip, with the server's commit settings (a statement
     * may choose its own, as the PostgreSQL claim journal's record does).
     */
    <T> T autoCommitted(String operation, Transactions.SqlWork<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            if (!connection.getAutoCommit()) {
                connection.setAutoCommit(true);
            }
            return work.run(connection);
        } catch (SQLException e) {
            throw translate(operation, e);
        }
    }

    /**
     * Mailroom's own statements (retention, counts, look-ups), with the session a relay transaction
     * without its timeouts has (MariaDB: {@code READ COMMITTED}); a transaction lost to a deadlock or
     * serialization failure is run again.
     */
    <T> T retrying(String operation, Transactions.SqlWork<T> work) {
        return retrying(operation, connection -> dialect.beginRelayTransaction(connection, PLAIN), work);
    }

    private <T> T retrying(String operation, Transactions.SessionSetup setup, Transactions.SqlWork<T> work) {
        try {
            return Transactions.inTransactionRetryingConflicts(dataSource, dialect, setup, work);
        } catch (SQLException e) {
            throw translate(operation, e);
        }
    }

    /** Work that must not run twice (a caller's handler, which may act outside the database). */
    <T> T once(String operation, Transactions.SqlWork<T> work) {
        try {
            return Transactions.inTransaction(dataSource, work);
        } catch (SQLException e) {
            throw translate(operation, e);
        }
    }

    /**
     * A pooled connection in a new transaction with the relay's claim settings, for a row-lock claim
     * kept open; the caller puts the session back with the returned changes once the transaction ended.
     */
    OpenTransaction openClaimTransaction() throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            connection.setAutoCommit(false);
            return new OpenTransaction(connection, dialect.beginRelayTransaction(connection,
                    new RelayTransaction(true, asynchronousCommit, lockTimeout)));
        } catch (SQLException | RuntimeException e) {
            try (Connection closing = connection) {
                closing.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** A connection whose transaction is open, and what to undo in its session once it ended. */
    record OpenTransaction(Connection connection, SqlDialect.SessionChanges changes) {

        /** Rolls back what is left, puts the session back and returns the connection to the pool. */
        void end() {
            try (Connection closing = connection) {
                closing.rollback();
                Transactions.undoQuietly(closing, changes);
                closing.setAutoCommit(true);
            } catch (SQLException ignored) {
                // a broken connection: the server rolled the transaction back; the pool discards it
            }
        }
    }

    StoreException translate(String operation, SQLException error) {
        return StoreErrors.translate(dialect, table.qualified(), operation, error);
    }
}
