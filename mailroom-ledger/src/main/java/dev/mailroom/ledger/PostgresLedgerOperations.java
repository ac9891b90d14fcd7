package dev.mailroom.ledger;

import dev.mailroom.jdbc.dialect.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** PostgreSQL: every operation is one statement; changes return what they moved, releases bind id arrays. */
final class PostgresLedgerOperations extends LedgerOperations {

    private final PostgresLedgerSql sql;

    PostgresLedgerOperations(SqlDialect dialect, PostgresLedgerSql sql) {
        super(dialect, sql);
        this.sql = sql;
    }

    /** One statement inserts the items and their audit rows; identities are drawn in {@code VALUES} order. */
    @Override
    List<Long> insert(Connection connection, List<FailedItem> items, int maxAttempts, String createdBy)
            throws SQLException {
        List<Long> ids = new ArrayList<>(items.size());
        try (PreparedStatement insert = connection.prepareStatement(sql.insert(items.size()))) {
            bind(insert, 1, insertValues(items, maxAttempts, createdBy));
            try (ResultSet rs = insert.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        Collections.sort(ids);
        return ids;
    }

    @Override
    List<LedgerItem> claimDue(Connection connection, String owner, Duration lease, int limit) throws SQLException {
        return items(connection, sql.claimDue(), List.of(owner, lease.toMillis(), limit));
    }

    @Override
    List<LedgerItem> claimBatch(Connection connection, String owner, Duration lease, String batchId, int afterIndex,
                                long afterId, int limit) throws SQLException {
        return items(connection, sql.claimBatch(), List.of(owner, lease.toMillis(), batchId, afterIndex, afterId, limit));
    }

    @Override
    int release(Connection connection, String owner, List<LedgerItem> items) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.release())) {
            statement.setArray(1, connection.createArrayOf("bigint",
                    items.stream().map(LedgerItem::id).toArray(Long[]::new)));
            statement.setArray(2, connection.createArrayOf("bigint",
                    items.stream().map(LedgerItem::version).toArray(Long[]::new)));
            statement.setString(3, owner);
            return statement.executeUpdate();
        }
    }

    @Override
    Optional<LedgerStore.Moved> change(Connection connection, ItemChange change) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.change(change.kind()))) {
            statement.setLong(1, change.id());
            int index = bind(statement, 2, change.values());
            index = bind(statement, index, change.fence());
            bind(statement, index, Arrays.asList(change.actor(), change.notes()));
            return moved(statement).stream().findFirst();
        }
    }

    @Override
    List<LedgerStore.Moved> reclaimExpired(Connection connection, int limit, String actor) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.reclaimExpired())) {
            statement.setInt(1, limit);
            statement.setString(2, actor);
            return moved(statement);
        }
    }

    private static List<LedgerStore.Moved> moved(PreparedStatement statement) throws SQLException {
        List<LedgerStore.Moved> moved = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                moved.add(new LedgerStore.Moved(rs.getLong(1), LedgerState.fromDbValue(rs.getString(2)),
                        rs.getString(3)));
            }
        }
        return moved;
    }
}
