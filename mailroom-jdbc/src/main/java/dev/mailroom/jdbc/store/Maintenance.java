package dev.mailroom.jdbc.store;

import dev.mailroom.jdbc.dialect.OutboxSql;
import dev.mailroom.state.OutboxState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Retention and the reads an operator or a gauge needs: counts, the next due row, one row by event id. */
final class Maintenance {

    private final StoreTransactions transactions;
    private final OutboxSql sql;

    Maintenance(StoreTransactions transactions, OutboxSql sql) {
        this.transactions = transactions;
        this.sql = sql;
    }

    long deleteFinishedOlderThan(Duration age, int batchSize) {
        long total = 0;
        int deleted;
        do {
            deleted = transactions.retrying("retention", connection -> {
                try (PreparedStatement statement = connection.prepareStatement(sql.deleteFinished())) {
                    statement.setLong(1, age.toMillis());
                    statement.setInt(2, batchSize);
                    return statement.executeUpdate();
                }
            });
            total += deleted;
        } while (deleted == batchSize);
        return total;
    }

    OutboxCounts counts() {
        return transactions.retrying("counts", connection -> {
            Map<OutboxState, Long> byState = new EnumMap<>(OutboxState.class);
            for (OutboxState state : OutboxState.values()) {
                byState.put(state, 0L);
            }
            try (PreparedStatement statement = connection.prepareStatement(sql.countByState());
                 ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    byState.put(OutboxState.fromDbValue(rs.getString(1)), rs.getLong(2));
                }
            }
            Optional<Duration> oldest = StoreJdbc.seconds(connection, sql.oldestUndeliveredAge());
            return new OutboxCounts(Map.copyOf(byState), oldest);
        });
    }

    Optional<Duration> nextDueIn() {
        return transactions.retrying("next due", connection -> ClaimOrder.nextDueIn(connection, sql));
    }

    Optional<OutboxRow> find(UUID eventId) {
        return transactions.retrying("find", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql.findByEventId())) {
                statement.setObject(1, eventId);
                List<OutboxRow> rows = StoreJdbc.readRows(statement);
                return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
            }
        });
    }
}
