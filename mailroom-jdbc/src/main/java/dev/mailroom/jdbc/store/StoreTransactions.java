package dev.mailroom.jdbc.store;

import dev.mailroom.jdbc.StoreException;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.internal.StoreErrors;
import dev.mailroom.jdbc.internal.Transactions;
import dev.mailroom.routing.TableName;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.StringJoiner;
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
        return retrying(operation, connection -> {
            applySettings(connection, claim);
            return work.run(connection);
        });
    }

    /** Mailroom's own statements: a transaction lost to a deadlock or serialization failure is run again. */
    <T> T retrying(String operation, Transactions.SqlWork<T> work) {
        try {
            return Transactions.inTransactionRetryingConflicts(dataSource, dialect, work);
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

    /** A pooled connection in a new transaction with the relay's claim settings, for a row-lock claim kept open. */
    Connection openClaimTransaction() throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            connection.setAutoCommit(false);
            applySettings(connection, true);
            return connection;
        } catch (SQLException | RuntimeException e) {
            try (Connection closing = connection) {
                closing.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    StoreException translate(String operation, SQLException error) {
        return StoreErrors.translate(dialect, table.qualified(), operation, error);
    }

    /**
     * The relay's per-transaction settings in one round trip: asynchronous commit and the lock
     * timeout (when this store has them) and, for a claim, index-only plans
     * ({@link SqlDialect#indexedClaimSql()}).
     */
    private void applySettings(Connection connection, boolean claim) throws SQLException {
        StringJoiner settings = new StringJoiner("; ");
        if (asynchronousCommit && dialect.asynchronousCommitSql() != null) {
            settings.add(dialect.asynchronousCommitSql());
        }
        if (lockTimeout != null && dialect.lockTimeoutSql(lockTimeout) != null) {
            settings.add(dialect.lockTimeoutSql(lockTimeout));
        }
        if (claim && dialect.indexedClaimSql() != null) {
            settings.add(dialect.indexedClaimSql());
        }
        if (settings.length() > 0) {
            try (Statement statement = connection.createStatement()) {
                statement.execute(settings.toString());
            }
        }
    }
}
