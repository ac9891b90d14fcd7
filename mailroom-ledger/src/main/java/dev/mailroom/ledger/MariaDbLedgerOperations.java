package dev.mailroom.ledger;

import dev.mailroom.jdbc.dialect.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * MariaDB: no {@code RETURNING} on {@code UPDATE}, no data-modifying CTEs, no arrays. A claim locks
 * ids with {@code SELECT … FOR UPDATE SKIP LOCKED}, leases them by id list and reads them back; a
 * change locks its item, updates it under its guard, reads what it became and writes its audit row;
 * a multi-row insert reads its ids back by the items' natural key (the driver returns only the
 * first generated id, and ids of one statement need not be consecutive under
 * {@code innodb_autoinc_lock_mode=2}), then writes their audit rows. Id lists are bound one
 * placeholder each.
 */
final class MariaDbLedgerOperations extends LedgerOperations {

    private final MariaDbLedgerSql sql;

    MariaDbLedgerOperations(SqlDialect dialect, MariaDbLedgerSql sql) {
        super(dialect, sql);
        this.sql = sql;
    }

    /** What an item became after a change. */
    private record Changed(long id, LedgerState state, long version, String operationType) {

        LedgerStore.Moved moved() {
            return new LedgerStore.Moved(id, state, operationType);
        }
    }

    /** An expired lease, as it was when locked. */
    private record Expired(String status, String owner) {
    }

    /** The natural key of a recorded item, to match rows read back to the items inserted. */
    private record ItemKey(String batchId, String operationType, int itemIndex) {
    }

    /**
     * Three statements: the items, their ids read back, their audit rows. With auto-commit on they
     * run in one transaction of their own, so no item is ever seen without its audit row.
     */
    @Override
    List<Long> insert(Connection connection, List<FailedItem> items, int maxAttempts, String createdBy)
            throws SQLException {
        if (!connection.getAutoCommit()) {
            return insertWithAudit(connection, items, maxAttempts, createdBy);
        }
        connection.setAutoCommit(false);
        try {
            List<Long> ids = insertWithAudit(connection, items, maxAttempts, createdBy);
            connection.commit();
            return ids;
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException rollbackError) {
                e.addSuppressed(rollbackError);
            }
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private List<Long> insertWithAudit(Connection connection, List<FailedItem> items, int maxAttempts,
                                       String createdBy) throws SQLException {
        long firstId;
        try (PreparedStatement insert = connection.prepareStatement(sql.insert(items.size()),
                Statement.RETURN_GENERATED_KEYS)) {
            bind(insert, 1, insertValues(items, maxAttempts, createdBy));
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new SQLException("the ledger insert returned no generated id");
                }
                firstId = keys.getLong(1);
            }
        }
        List<Long> ids = insertedIds(connection, items, firstId);
        try (PreparedStatement audit = connection.prepareStatement(sql.auditRecorded(ids.size()))) {
            bind(audit, 1, ids);
            audit.executeUpdate();
        }
        return ids;
    }

    /** Matches the rows this transaction just inserted to the items by natural key; equal keys in id order. */
    private List<Long> insertedIds(Connection connection, List<FailedItem> items, long firstId) throws SQLException {
        Map<ItemKey, Deque<Integer>> positions = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            FailedItem item = items.get(i);
            positions.computeIfAbsent(new ItemKey(item.batchId(), item.operationType(), item.itemIndex()),
                    key -> new ArrayDeque<>()).add(i);
        }
        Long[] ids = new Long[items.size()];
        int matched = 0;
        try (PreparedStatement read = connection.prepareStatement(sql.insertedItems())) {
            read.setLong(1, firstId);
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    Deque<Integer> waiting = positions.get(new ItemKey(rs.getString(2), rs.getString(3), rs.getInt(4)));
                    if (waiting != null && !waiting.isEmpty()) {
                        ids[waiting.poll()] = rs.getLong(1);
                        matched++;
                    }
                }
            }
        }
        if (matched != items.size()) {
            throw new SQLException("read back " + matched + " of the " + items.size() + " ledger items just inserted");
        }
        return Arrays.asList(ids);
    }

    @Override
    List<LedgerItem> claimDue(Connection connection, String owner, Duration lease, int limit) throws SQLException {
        return lease(connection, owner, lease, lockedIds(connection, sql.claimDue(), List.of(limit)));
    }

    @Override
    List<LedgerItem> claimBatch(Connection connection, String owner, Duration lease, String batchId, int afterIndex,
                                long afterId, int limit) throws SQLException {
        return lease(connection, owner, lease,
                lockedIds(connection, sql.claimBatch(), List.of(batchId, afterIndex, afterId, limit)));
    }

    private List<LedgerItem> lease(Connection connection, String owner, Duration lease, List<Long> ids)
            throws SQLException {
        if (ids.isEmpty()) {
            return List.of();
        }
        try (PreparedStatement update = connection.prepareStatement(sql.lease(ids.size()))) {
            update.setString(1, owner);
            update.setLong(2, lease.toMillis());
            bind(update, 3, ids);
            update.executeUpdate();
        }
        return items(connection, sql.itemsByIds(ids.size()), ids);
    }

    private static List<Long> lockedIds(Connection connection, String query, List<?> parameters) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            bind(statement, 1, parameters);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    /** One guarded update per item (releases are few: the items a stopping or late worker did not start). */
    @Override
    int release(Connection connection, String owner, List<LedgerItem> items) throws SQLException {
        int released = 0;
        try (PreparedStatement statement = connection.prepareStatement(sql.release())) {
            for (LedgerItem item : items) {
                statement.setLong(1, item.id());
                statement.setLong(2, item.version());
                statement.setString(3, owner);
                released += statement.executeUpdate();
            }
        }
        return released;
    }

    /** The item is locked first, so its audit row's {@code from_status} is the state the guard was checked against. */
    @Override
    Optional<LedgerStore.Moved> change(Connection connection, ItemChange change) throws SQLException {
        String from;
        try (PreparedStatement lock = connection.prepareStatement(sql.lockStatus())) {
            lock.setLong(1, change.id());
            try (ResultSet rs = lock.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                from = rs.getString(1);
            }
        }
        try (PreparedStatement update = connection.prepareStatement(sql.change(change.kind()))) {
            int index = bind(update, 1, change.values());
            update.setLong(index, change.id());
            bind(update, index + 1, change.fence());
            if (update.executeUpdate() == 0) {
                return Optional.empty();
            }
        }
        Changed changed = changed(connection, List.of(change.id())).get(0);
        writeAudit(connection, List.of(Arrays.asList(changed.id(), change.actor(), from, changed.state().dbValue(),
                changed.version(), change.notes())));
        return Optional.of(changed.moved());
    }

    @Override
    List<LedgerStore.Moved> reclaimExpired(Connection connection, int limit, String actor) throws SQLException {
        Map<Long, Expired> expired = new LinkedHashMap<>();
        try (PreparedStatement lock = connection.prepareStatement(sql.expiredLeases())) {
            lock.setInt(1, limit);
            try (ResultSet rs = lock.executeQuery()) {
                while (rs.next()) {
                    expired.put(rs.getLong(1), new Expired(rs.getString(2), rs.getString(3)));
                }
            }
        }
        if (expired.isEmpty()) {
            return List.of();
        }
        List<Long> ids = List.copyOf(expired.keySet());
        try (PreparedStatement update = connection.prepareStatement(sql.reclaim(ids.size()))) {
            bind(update, 1, ids);
            update.executeUpdate();
        }
        List<Changed> changed = changed(connection, ids);
        List<List<Object>> audit = new ArrayList<>();
        List<LedgerStore.Moved> moved = new ArrayList<>();
        for (Changed item : changed) {
            Expired before = expired.get(item.id());
            audit.add(Arrays.asList(item.id(), actor, before.status(), item.state().dbValue(), item.version(),
                    LedgerSql.LEASE_OF + before.owner() + LedgerSql.LOST_RUN_NOTES));
            moved.add(item.moved());
        }
        writeAudit(connection, audit);
        return moved;
    }

    private List<Changed> changed(Connection connection, List<Long> ids) throws SQLException {
        List<Changed> changed = new ArrayList<>();
        try (PreparedStatement read = connection.prepareStatement(sql.changedItems(ids.size()))) {
            bind(read, 1, ids);
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    changed.add(new Changed(rs.getLong(1), LedgerState.fromDbValue(rs.getString(2)), rs.getLong(3),
                            rs.getString(4)));
                }
            }
        }
        return changed;
    }

    /** Audit rows, each: item id, actor, from status, to status, version, notes. */
    private void writeAudit(Connection connection, List<List<Object>> auditRows) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(sql.auditRows(auditRows.size()))) {
            int index = 1;
            for (List<Object> row : auditRows) {
                index = bind(insert, index, row);
            }
            insert.executeUpdate();
        }
    }
}
