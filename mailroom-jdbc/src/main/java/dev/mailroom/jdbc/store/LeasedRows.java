package dev.mailroom.jdbc.store;

import dev.mailroom.jdbc.dialect.OutboxSql;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.state.OutboxState;
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
 * Claims by committed lease and every change made under one, each fenced on the lease owner (and
 * failures on the attempts seen at the claim): see the corresponding {@link OutboxStore} methods.
 */
final class LeasedRows {

    private final StoreTransactions transactions;
    private final OutboxSql sql;
    private final RetryPolicy retryPolicy;
    private final boolean deletePublished;

    LeasedRows(StoreTransactions transactions, OutboxSql sql, RetryPolicy retryPolicy, boolean deletePublished) {
        this.transactions = transactions;
        this.sql = sql;
        this.retryPolicy = retryPolicy;
        this.deletePublished = deletePublished;
    }

    ClaimResult claim(boolean inKeyOrder, String owner, int limit, Duration lease, boolean nextDueWhenEmpty) {
        StoreJdbc.requireOwner(owner);
        StoreJdbc.requireLimit(limit);
        return transactions.relay("claim", true, connection -> {
            List<OutboxRow> rows = ClaimOrder.claimable(connection, sql, inKeyOrder, limit, (keyOrdered, window) -> {
                try (PreparedStatement statement = connection.prepareStatement(
                        keyOrdered ? sql.claimInKeyOrder() : sql.claim())) {
                    int index = 1;
                    statement.setString(index++, owner);
                    statement.setLong(index++, lease.toMillis());
                    if (window != null) {
                        statement.setInt(index++, window);
                    }
                    statement.setInt(index, limit);
                    return StoreJdbc.readRows(statement);
                }
            });
            Optional<Duration> nextDue = rows.isEmpty() && nextDueWhenEmpty
                    ? ClaimOrder.nextDueIn(connection, sql) : Optional.empty();
            return new ClaimResult(rows, nextDue);
        });
    }

    int markPublished(String owner, Collection<Long> ids) {
        StoreJdbc.requireOwner(owner);
        if (ids.isEmpty()) {
            return 0;
        }
        return transactions.relay("mark published", false, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    deletePublished ? sql.deletePublished() : sql.markPublished())) {
                statement.setArray(1, StoreJdbc.longArray(connection, ids));
                statement.setString(2, owner);
                return statement.executeUpdate();
            }
        });
    }

    Map<Long, OutboxState> markFailed(String owner, List<DeliveryFailure> failures) {
        StoreJdbc.requireOwner(owner);
        if (failures.isEmpty()) {
            return Map.of();
        }
        int size = failures.size();
        Long[] ids = new Long[size];
        Integer[] attempts = new Integer[size];
        Long[] delays = new Long[size];
        String[] errors = new String[size];
        for (int i = 0; i < size; i++) {
            DeliveryFailure failure = failures.get(i);
            ids[i] = failure.row().id();
            attempts[i] = failure.row().attempts();
            delays[i] = retryPolicy.delayAfter(failure.row().attempts() + 1).toMillis();
            errors[i] = StoreJdbc.truncate(failure.error());
        }
        return transactions.relay("mark failed", false, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql.markFailed())) {
                statement.setArray(1, connection.createArrayOf("bigint", ids));
                statement.setArray(2, connection.createArrayOf("integer", attempts));
                statement.setArray(3, connection.createArrayOf("bigint", delays));
                statement.setArray(4, connection.createArrayOf("text", errors));
                statement.setString(5, owner);
                Map<Long, OutboxState> states = new LinkedHashMap<>();
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        states.put(rs.getLong(1), OutboxState.fromDbValue(rs.getString(2)));
                    }
                }
                return states;
            }
        });
    }

    boolean markDead(long id, String owner, String reason) {
        return transactions.relay("mark dead", false, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql.markDead())) {
                statement.setString(1, StoreJdbc.truncate(reason));
                statement.setLong(2, id);
                statement.setString(3, owner);
                statement.setString(4, owner);
                return statement.executeUpdate() == 1;
            }
        });
    }

    int reclaimExpiredLeases(int limit) {
        return transactions.relay("reclaim expired leases", false, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql.reclaimExpired())) {
                statement.setInt(1, limit);
                return statement.executeUpdate();
            }
        });
    }

    int release(String owner, Collection<Long> ids) {
        return leaseUpdate("release", sql.release(), owner, ids, null);
    }

    int renewLeases(String owner, Collection<Long> ids, Duration lease) {
        return leaseUpdate("renew leases", sql.renew(), owner, ids, lease);
    }

    private int leaseUpdate(String operation, String statementSql, String owner, Collection<Long> ids, Duration lease) {
        StoreJdbc.requireOwner(owner);
        if (ids.isEmpty()) {
            return 0;
        }
        return transactions.relay(operation, false, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(statementSql)) {
                int index = 1;
                if (lease != null) {
                    statement.setLong(index++, lease.toMillis());
                }
                statement.setArray(index++, StoreJdbc.longArray(connection, ids));
                statement.setString(index, owner);
                return statement.executeUpdate();
            }
        });
    }
}
