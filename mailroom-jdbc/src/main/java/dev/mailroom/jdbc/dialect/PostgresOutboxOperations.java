package dev.mailroom.jdbc.dialect;

import dev.mailroom.routing.TableName;
import dev.mailroom.state.OutboxState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** PostgreSQL: one statement per operation; id lists bound as arrays, claims as {@code UPDATE … RETURNING}. */
final class PostgresOutboxOperations extends OutboxOperations {

    private final PostgresOutboxSql sql;
    private final TimePartitions timePartitions;

    PostgresOutboxOperations(SqlDialect dialect, PostgresOutboxSql sql, TableName table, Set<String> keyHoldingTypes) {
        super(dialect, sql, keyHoldingTypes);
        this.sql = sql;
        this.timePartitions = new PostgresTimePartitions(table);
    }

    @Override
    public Optional<PartitionLeaseOperations> partitionLeases() {
        return Optional.of(new PartitionLeaseOperations(sql.partitionLeases(), this, keyHoldingTypes));
    }

    @Override
    public Optional<TimePartitions> timePartitions() {
        return Optional.of(timePartitions);
    }

    @Override
    protected void bindKeyHoldingTypes(PreparedStatement statement, int index) throws SQLException {
        statement.setArray(index, statement.getConnection().createArrayOf("text", keyHoldingTypes.toArray(new String[0])));
    }

    @Override
    public Set<UUID> insertAbsent(Connection connection, List<UUID> eventIds, RowBinder binder) throws SQLException {
        Set<UUID> written = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement(sql.insertReturningNew(eventIds.size()))) {
            bindRows(statement, eventIds.size(), binder);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    written.add(rs.getObject(2, UUID.class));
                }
            }
        }
        Set<UUID> present = new LinkedHashSet<>(eventIds);
        present.removeAll(written);
        if (!present.isEmpty()) {
            requirePresent(connection, present);
        }
        return present;
    }

    /**
     * A row the insert passed by conflicted on another unique column than its event id (an id a SQL
     * producer chose ahead of the identity): refused as a unique violation, as a plain insert is.
     */
    private void requirePresent(Connection connection, Set<UUID> eventIds) throws SQLException {
        Set<UUID> missing = new LinkedHashSet<>(eventIds);
        try (PreparedStatement statement = connection.prepareStatement(sql.presentEventIds())) {
            statement.setArray(1, connection.createArrayOf("uuid", eventIds.toArray()));
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    missing.remove(rs.getObject(1, UUID.class));
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new SQLException("Events " + missing + " were neither written nor found in the outbox: their rows"
                    + " conflicted on another unique column (an id taken ahead of the identity?)", "23505");
        }
    }

    @Override
    public int insertIgnoringDuplicates(Connection connection, List<UUID> eventIds, RowBinder binder)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.insertIgnoringDuplicates(eventIds.size()))) {
            bindRows(statement, eventIds.size(), binder);
            return statement.executeUpdate();
        }
    }

    @Override
    public int deleteByEventIds(Connection connection, Collection<UUID> eventIds) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.deleteByEventIds())) {
            statement.setArray(1, connection.createArrayOf("uuid", eventIds.toArray(new UUID[0])));
            return statement.executeUpdate();
        }
    }

    @Override
    public <R> List<R> claim(Connection connection, LeaseClaim claim, RowMapper<R> mapper) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                claim.keyOrdered() ? sql.claimInKeyOrder(holdsKeys()) : sql.claim())) {
            int index = 1;
            statement.setString(index++, claim.owner());
            statement.setLong(index++, claim.lease().toMillis());
            if (claim.keyOrdered()) {
                index = bindWindow(statement, index, claim.window());
            }
            statement.setInt(index, claim.limit());
            return readRows(statement, mapper);
        }
    }

    @Override
    public <R> List<R> lock(Connection connection, boolean keyOrdered, int window, int limit, RowMapper<R> mapper)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                keyOrdered ? sql.lockInKeyOrder(holdsKeys()) : sql.lock())) {
            int index = 1;
            if (keyOrdered) {
                index = bindWindow(statement, index, window);
            }
            statement.setInt(index, limit);
            return readRows(statement, mapper);
        }
    }

    /** The key-ordered window, then the key-holding types when dead rows may hold keys; returns the next index. */
    private int bindWindow(PreparedStatement statement, int index, int window) throws SQLException {
        statement.setInt(index++, window);
        if (holdsKeys()) {
            bindKeyHoldingTypes(statement, index++);
        }
        return index;
    }

    @Override
    public int markPublished(Connection connection, Collection<Long> ids, String owner, boolean delete)
            throws SQLException {
        String statementSql = owner == null
                ? (delete ? sql.deleteLockedPublished() : sql.markLockedPublished())
                : (delete ? sql.deletePublished() : sql.markPublished());
        try (PreparedStatement statement = connection.prepareStatement(statementSql)) {
            statement.setArray(1, ids(connection, ids));
            if (owner != null) {
                statement.setString(2, owner);
            }
            return statement.executeUpdate();
        }
    }

    @Override
    public int markPublished(Connection connection, Map<Long, Instant> createdAtById, boolean delete)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                delete ? sql.deleteLockedPublishedByRow() : sql.markLockedPublishedByRow())) {
            statement.setArray(1, ids(connection, createdAtById.keySet()));
            statement.setArray(2, connection.createArrayOf("text",
                    createdAtById.values().stream().map(Instant::toString).toArray(String[]::new)));
            return statement.executeUpdate();
        }
    }

    /**
     * One round trip: the claim record is deleted in a {@code WITH} of the update (or delete) of the
     * rows, and {@code COMMIT} follows in the same message. The driver reads the server's transaction
     * state from its answer, so the {@code commit()} after it sends nothing.
     */
    @Override
    public void settleLockedAndCommit(Connection connection, Collection<Long> published, long recordId, boolean delete)
            throws SQLException {
        String settle = published.isEmpty() ? sql.forgetClaimAndCommit() : sql.settleLockedAndCommit(delete);
        try (PreparedStatement statement = connection.prepareStatement(settle)) {
            statement.setLong(1, recordId);
            if (!published.isEmpty()) {
                statement.setArray(2, ids(connection, published));
            }
            statement.executeUpdate();
        }
        connection.commit();
    }

    @Override
    public Map<Long, OutboxState> markFailed(Connection connection, List<FailedAttempt> failures, String owner)
            throws SQLException {
        int size = failures.size();
        Long[] ids = new Long[size];
        Integer[] attempts = new Integer[size];
        Long[] delays = new Long[size];
        String[] errors = new String[size];
        for (int i = 0; i < size; i++) {
            FailedAttempt failure = failures.get(i);
            ids[i] = failure.id();
            attempts[i] = failure.attempts();
            delays[i] = failure.delayMillis();
            errors[i] = failure.error();
        }
        try (PreparedStatement statement = connection.prepareStatement(
                owner == null ? sql.markLockedFailed() : sql.markFailed())) {
            int index = 1;
            bindKeyHoldingTypes(statement, index++);
            statement.setArray(index++, connection.createArrayOf("bigint", ids));
            if (owner != null) {
                statement.setArray(index++, connection.createArrayOf("integer", attempts));
            }
            statement.setArray(index++, connection.createArrayOf("bigint", delays));
            statement.setArray(index++, connection.createArrayOf("text", errors));
            if (owner != null) {
                statement.setString(index, owner);
            }
            Map<Long, OutboxState> states = new LinkedHashMap<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    states.put(rs.getLong(1), OutboxState.fromDbValue(rs.getString(2)));
                }
            }
            return states;
        }
    }

    @Override
    public int reclaimExpired(Connection connection, int limit) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.reclaimExpired())) {
            bindKeyHoldingTypes(statement, 1);
            statement.setInt(2, limit);
            return statement.executeUpdate();
        }
    }

    @Override
    public int release(Connection connection, Collection<Long> ids, String owner) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.release())) {
            statement.setArray(1, ids(connection, ids));
            statement.setString(2, owner);
            return statement.executeUpdate();
        }
    }

    @Override
    public int renew(Connection connection, Collection<Long> ids, String owner, Duration lease) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.renew())) {
            statement.setLong(1, lease.toMillis());
            statement.setArray(2, ids(connection, ids));
            statement.setString(3, owner);
            return statement.executeUpdate();
        }
    }

    @Override
    public DeletedRows deleteFinished(Connection connection, Duration age, long fromId, int limit) throws SQLException {
        return deleteFinished(connection, sql.deleteFinished(), age, fromId, limit);
    }

    /** Runs one batch of a retention delete rendered by {@link PostgresOutboxSql#deleteFinished(String)}. */
    static DeletedRows deleteFinished(Connection connection, String deleteFinished, Duration age, long fromId, int limit)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(deleteFinished)) {
            statement.setLong(1, fromId);
            statement.setLong(2, age.toMillis());
            statement.setInt(3, limit);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                int deleted = rs.getInt(1);
                return new DeletedRows(deleted, deleted == 0 ? fromId : rs.getLong(2));
            }
        }
    }

    @Override
    protected void bindRowIds(PreparedStatement statement, int index, List<Long> ids) throws SQLException {
        statement.setArray(index, ids(statement.getConnection(), ids));
    }

    @Override
    protected List<Long> readRowIds(ResultSet rs, int column) throws SQLException {
        Long[] ids = (Long[]) rs.getArray(column).getArray();
        return Arrays.asList(ids).contains(null) ? List.of() : List.of(ids);
    }

    @Override
    public List<Long> countLostClaim(Connection connection, List<Long> rowIds, String error) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.countLostClaim())) {
            bindKeyHoldingTypes(statement, 1);
            statement.setString(2, error);
            bindRowIds(statement, 3, rowIds);
            return readRows(statement, rs -> rs.getLong(1));
        }
    }

    @Override
    public boolean anyPending(Connection connection, List<Long> rowIds) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.anyPendingOf())) {
            bindRowIds(statement, 1, rowIds);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static java.sql.Array ids(Connection connection, Collection<Long> ids) throws SQLException {
        return connection.createArrayOf("bigint", ids.toArray(new Long[0]));
    }
}
