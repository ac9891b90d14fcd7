package dev.mailroom.jdbc.store;

import dev.mailroom.jdbc.dialect.OutboxSql;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.internal.StoreErrors;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.state.OutboxState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rows claimed by row lock: they stay {@code pending}, locked by a transaction that is kept open
 * while they are sent, and are settled in that same transaction, so a delivered event costs one row
 * write. Other claimers skip the locked rows, and the key-ordered claim holds back later rows of
 * their keys. If the holder dies, its connection closes, the transaction rolls back and the rows
 * are claimable again at once (that attempt is not counted). Not thread-safe: one thread sends and
 * settles a batch. {@link #close()} gives the connection back, rolling back what was not settled.
 */
public final class LockedBatch implements AutoCloseable {

    private final Connection connection;
    private final OutboxSql sql;
    private final SqlDialect dialect;
    private final String table;
    private final RetryPolicy retryPolicy;
    private final boolean deletePublished;
    private final List<OutboxRow> rows;
    private final Optional<Duration> nextDueIn;
    private boolean open;

    LockedBatch(Connection connection, OutboxSql sql, SqlDialect dialect, String table, RetryPolicy retryPolicy,
                boolean deletePublished, List<OutboxRow> rows, Optional<Duration> nextDueIn) {
        this.deletePublished = deletePublished;
        this.connection = connection;
        this.sql = sql;
        this.dialect = dialect;
        this.table = table;
        this.retryPolicy = retryPolicy;
        this.rows = List.copyOf(rows);
        this.nextDueIn = nextDueIn;
        this.open = connection != null;
    }

    /** The locked rows in id order; empty when nothing was claimable. */
    public List<OutboxRow> rows() {
        return rows;
    }

    /** When no row was claimable: how long until one becomes claimable without a new insert. */
    public Optional<Duration> nextDueIn() {
        return nextDueIn;
    }

    /** Marks one locked row dead with a reason, in the batch's transaction (kept at {@link #settle}). */
    public boolean markDead(OutboxRow row, String reason) {
        requireOpen();
        return run("mark dead", () -> {
            try (PreparedStatement statement = connection.prepareStatement(sql.markDead())) {
                statement.setString(1, StoreJdbc.truncate(reason));
                statement.setLong(2, row.id());
                statement.setString(3, null);
                statement.setString(4, null);
                return statement.executeUpdate() == 1;
            }
        });
    }

    /**
     * Marks the acknowledged rows published (or deletes them, for a store that
     * {@linkplain OutboxStore#withPublishedRowsDeleted() keeps no history}) and records the failed attempts (backoff from the retry
     * policy, {@code dead} at the row's max attempts), commits, and gives the connection back. Rows in
     * neither list stay pending, untouched. Returns the new state of each failed row.
     */
    public Map<Long, OutboxState> settle(Collection<Long> published, List<DeliveryFailure> failures) {
        requireOpen();
        try {
            return run("settle", () -> {
                if (!published.isEmpty()) {
                    try (PreparedStatement statement = connection.prepareStatement(
                            deletePublished ? sql.deleteLockedPublished() : sql.markLockedPublished())) {
                        statement.setArray(1, connection.createArrayOf("bigint", published.toArray(new Long[0])));
                        statement.executeUpdate();
                    }
                }
                Map<Long, OutboxState> states = failures.isEmpty() ? Map.of() : recordFailures(failures);
                connection.commit();
                return states;
            });
        } finally {
            close();
        }
    }

    private Map<Long, OutboxState> recordFailures(List<DeliveryFailure> failures) throws SQLException {
        int size = failures.size();
        Long[] ids = new Long[size];
        Long[] delays = new Long[size];
        String[] errors = new String[size];
        for (int i = 0; i < size; i++) {
            DeliveryFailure failure = failures.get(i);
            ids[i] = failure.row().id();
            delays[i] = retryPolicy.delayAfter(failure.row().attempts() + 1).toMillis();
            errors[i] = StoreJdbc.truncate(failure.error());
        }
        try (PreparedStatement statement = connection.prepareStatement(sql.markLockedFailed())) {
            statement.setArray(1, connection.createArrayOf("bigint", ids));
            statement.setArray(2, connection.createArrayOf("bigint", delays));
            statement.setArray(3, connection.createArrayOf("text", errors));
            Map<Long, OutboxState> states = new LinkedHashMap<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    states.put(rs.getLong(1), OutboxState.fromDbValue(rs.getString(2)));
                }
            }
            return states;
        }
    }

    /** Rolls back whatever was not settled (the rows stay pending, no attempt counted) and gives the connection back. */
    @Override
    public void close() {
        if (!open) {
            return;
        }
        open = false;
        try (Connection closing = connection) {
            closing.rollback();
            closing.setAutoCommit(true);
        } catch (SQLException ignored) {
            // a broken connection: the server rolled the transaction back; the pool discards it
        }
    }

    private void requireOpen() {
        if (!open) {
            throw new IllegalStateException("the batch was settled or closed already");
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run() throws SQLException;
    }

    private <T> T run(String operation, Work<T> work) {
        try {
            return work.run();
        } catch (SQLException e) {
            throw StoreErrors.translate(dialect, table, operation, e);
        }
    }
}
