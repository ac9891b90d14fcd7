package dev.mailroom.jdbc.store;

import dev.mailroom.jdbc.dialect.OutboxOperations;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which rows a claim hands out, the same way for lease and row-lock claims: plain, in id order; or
 * key-ordered, first over a window of the {@value #KEY_ORDER_WINDOW_FACTOR} × limit oldest due rows
 * and, when that yields nothing while a retry waits or a dead row holds its key (only such rows
 * hold a key back for long), over the whole backlog, so a failing or held key with a long tail
 * never starves the others. Keys held by rows in flight free up within a send timeout, so then it
 * does not: walking a deep backlog on every claim costs more than waiting for them.
 */
final class ClaimOrder {

    static final int KEY_ORDER_WINDOW_FACTOR = 4;

    /** One claim, plain or key-ordered, over the window's oldest due rows (ignored when plain). */
    @FunctionalInterface
    interface ClaimQuery {
        List<OutboxRow> run(boolean keyOrdered, int window) throws SQLException;
    }

    /** Whether a waiting retry or a held key may hold rows back beyond the window. */
    @FunctionalInterface
    interface KeysHeldBack {
        boolean any() throws SQLException;
    }

    private ClaimOrder() {
    }

    /** The claimable rows in id order. */
    static List<OutboxRow> claimable(Connection connection, OutboxOperations operations, boolean inKeyOrder, int limit,
                                     ClaimQuery query) throws SQLException {
        return claimable(inKeyOrder, limit, query,
                () -> operations.anyRetryWaiting(connection) || operations.anyKeyHeld(connection));
    }

    /** The claimable rows in id order, asking {@code keysHeldBack} only when the key-ordered window yields none. */
    static List<OutboxRow> claimable(boolean inKeyOrder, int limit, ClaimQuery query, KeysHeldBack keysHeldBack)
            throws SQLException {
        List<OutboxRow> rows;
        if (!inKeyOrder) {
            rows = query.run(false, limit);
        } else {
            rows = query.run(true, (int) Math.min(Integer.MAX_VALUE, (long) limit * KEY_ORDER_WINDOW_FACTOR));
            if (rows.isEmpty() && keysHeldBack.any()) {
                rows = query.run(true, Integer.MAX_VALUE);
            }
        }
        rows = new ArrayList<>(rows);
        rows.sort(Comparator.comparingLong(OutboxRow::id));
        return rows;
    }
}
