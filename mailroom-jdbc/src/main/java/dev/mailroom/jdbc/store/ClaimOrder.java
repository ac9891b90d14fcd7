package dev.mailroom.jdbc.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import dev.mailroom.jdbc.dialect.OutboxSql;

/**
 * Which rows a claim hands out, the same way for lease and row-lock claims: plain, in id order; or
 * key-ordered, first over a window of the {@value #KEY_ORDER_WINDOW_FACTOR} × limit oldest due rows
 * and, when that yields nothing while a retry waits (a key can be held back for long only by such
 * a row), over the whole backlog, so a failing key with a long tail never starves the others. Keys
 * held by rows in flight free up within a send timeout, so then it does not: walking a deep
 * backlog on every claim costs more than waiting for them.
 */
final class ClaimOrder {

    static final int KEY_ORDER_WINDOW_FACTOR = 4;

    /** One claim statement, plain or key-ordered; {@code window} is null for the plain one. */
    @FunctionalInterface
    interface ClaimQuery {
        List<OutboxRow> run(boolean keyOrdered, Integer window) throws SQLException;
    }

    private ClaimOrder() {
    }

    /** The claimable rows in id order. */
    static List<OutboxRow> claimable(Connection connection, OutboxSql sql, boolean inKeyOrder, int limit,
                                     ClaimQuery query) throws SQLException {
        List<OutboxRow> rows;
        if (!inKeyOrder) {
            rows = query.run(false, null);
        } else {
            rows = query.run(true, limit * KEY_ORDER_WINDOW_FACTOR);
            if (rows.isEmpty() && StoreJdbc.exists(connection, sql.anyRetryWaiting())) {
                rows = query.run(true, Integer.MAX_VALUE);
            }
        }
        rows.sort(Comparator.comparingLong(OutboxRow::id));
        return rows;
    }

    /**
     * How long until a row becomes claimable without a new insert (see {@link OutboxStore#nextDueIn()}),
     * in the caller's transaction.
     */
    static Optional<Duration> nextDueIn(Connection connection, OutboxSql sql) throws SQLException {
        return StoreJdbc.seconds(connection, sql.nextDueIn());
    }
}
