package dev.mailroom.jdbc.store;

import dev.mailroom.jdbc.dialect.OutboxSql;
import dev.mailroom.retry.RetryPolicy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Claims by row lock, the transaction left open for the caller to settle (see {@link LockedBatch}). */
final class RowLocks {

    /**
     * What {@link #lockOrNextDue} answers when due rows exist that it could not lock: another
     * claimer holds them (or their keys), and finishing sends no notification, so look again soon.
     */
    static final Duration HELD_ROWS_RECHECK = Duration.ofMillis(200);

    private final StoreTransactions transactions;
    private final OutboxSql sql;
    private final RetryPolicy retryPolicy;
    private final boolean deletePublished;

    RowLocks(StoreTransactions transactions, OutboxSql sql, RetryPolicy retryPolicy, boolean deletePublished) {
        this.transactions = transactions;
        this.sql = sql;
        this.retryPolicy = retryPolicy;
        this.deletePublished = deletePublished;
    }

    LockedBatch lockOrNextDue(int limit, boolean inKeyOrder) {
        StoreJdbc.requireLimit(limit);
        Connection connection = null;
        try {
            connection = transactions.openClaimTransaction();
            Connection locking = connection;
            List<OutboxRow> rows = ClaimOrder.claimable(locking, sql, inKeyOrder, limit,
                    (keyOrdered, window) -> lockRows(locking, keyOrdered ? sql.lockInKeyOrder() : sql.lock(), window, limit));
            if (!rows.isEmpty()) {
                return batch(connection, rows, Optional.empty());
            }
            Optional<Duration> nextDue = ClaimOrder.nextDueIn(connection, sql);
            if (nextDue.isEmpty() && StoreJdbc.exists(connection, sql.anyDuePending())) {
                nextDue = Optional.of(HELD_ROWS_RECHECK);
            }
            connection.commit();
            connection.setAutoCommit(true);
            connection.close();
            return batch(null, rows, nextDue);
        } catch (SQLException | RuntimeException e) {
            if (connection != null) {
                try (Connection closing = connection) {
                    closing.rollback();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e instanceof SQLException sqlError ? transactions.translate("lock", sqlError) : (RuntimeException) e;
        }
    }

    private LockedBatch batch(Connection connection, List<OutboxRow> rows, Optional<Duration> nextDue) {
        return new LockedBatch(connection, sql, transactions.dialect(), transactions.table(), retryPolicy,
                deletePublished, rows, nextDue);
    }

    private static List<OutboxRow> lockRows(Connection connection, String lockSql, Integer window, int limit)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(lockSql)) {
            int index = 1;
            if (window != null) {
                statement.setInt(index++, window);
            }
            statement.setInt(index, limit);
            return StoreJdbc.readRows(statement);
        }
    }
}
