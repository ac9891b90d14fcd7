package dev.mailroom.jdbc.dialect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailroom.state.OutboxState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * MariaDB: no {@code UPDATE … RETURNING}, no {@code LIMIT} in {@code IN} subqueries, no arrays. A
 * claim locks rows with {@code SELECT … FOR UPDATE SKIP LOCKED} (a key-ordered one first finds its
 * candidates with a plain read, so rows another claimer holds still hold back their keys, then
 * locks those still due), and a lease claim then updates the locked rows by id and reads them back;
 * id lists are bound one placeholder each. A failed statement leaves the transaction usable, so a
 * publish finds caller-chosen ids already present with a read before its insert.
 */
final class MariaDbOutboxOperations extends OutboxOperations {

    /**
     * How many batches' worth of candidates a key-ordered claim reads before it locks: the plain
     * read cannot see which candidates other claimers hold locked (rows of batches in flight stay
     * pending), so it names more than one batch and the locking read skips the held ones, keeping
     * the first {@code limit} of the rest. With one candidate list of a single batch, a relay's
     * second batch in flight found only the first batch's rows, all held, and claimed nothing.
     */
    static final int CANDIDATE_BATCHES = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MariaDbOutboxSql sql;
    /** The key-holding types as a JSON array of strings, as {@code JSON_CONTAINS} takes them. */
    private final String keyHoldingTypesJson;

    MariaDbOutboxOperations(SqlDialect dialect, MariaDbOutboxSql sql, Set<String> keyHoldingTypes) {
        super(dialect, sql, keyHoldingTypes);
        this.sql = sql;
        this.keyHoldingTypesJson = jsonArray(this.keyHoldingTypes);
    }

    private static String jsonArray(Set<String> strings) {
        try {
            return JSON.writeValueAsString(new TreeSet<>(strings));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("strings are always JSON", e);
        }
    }

    @Override
    protected void bindKeyHoldingTypes(PreparedStatement statement, int index) throws SQLException {
        statement.setString(index, keyHoldingTypesJson);
    }

    /**
     * Reads which ids are present, then inserts the others. A concurrent insert of the same id
     * between the two fails the insert as a whole (1062; the transaction stays usable here), and
     * the read runs again to name it.
     */
    @Override
    public Set<UUID> insertAbsent(Connection connection, List<UUID> eventIds, RowBinder binder) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            Set<UUID> present = present(connection, eventIds);
            List<Integer> absentRows = absentRows(eventIds, present);
            if (absentRows.isEmpty()) {
                return present;
            }
            try {
                insert(connection, absentRows.size(), (statement, index, row) -> binder.bind(statement, index,
                        absentRows.get(row)));
                return present;
            } catch (SQLException e) {
                if (attempt >= 2 || dialect.classify(e) != SqlErrorKind.UNIQUE_VIOLATION) {
                    throw e;
                }
            }
        }
    }

    private Set<UUID> present(Connection connection, List<UUID> eventIds) throws SQLException {
        Set<UUID> found = new LinkedHashSet<>();
        try (PreparedStatement statement = connection.prepareStatement(sql.presentEventIds(eventIds.size()))) {
            for (int i = 0; i < eventIds.size(); i++) {
                dialect.setUuid(statement, i + 1, eventIds.get(i));
            }
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    found.add(dialect.getUuid(rs, 1));
                }
            }
        }
        Set<UUID> present = new LinkedHashSet<>();
        for (UUID id : eventIds) {
            if (found.contains(id)) {
                present.add(id);
            }
        }
        return present;
    }

    /**
     * Reads which ids are present and inserts the others with {@code ON DUPLICATE KEY UPDATE} (not
     * {@code INSERT IGNORE}, which would also turn refused values into warnings and store them cut
     * or changed), so an id another transaction inserts meanwhile is skipped too. The update count
     * cannot tell new rows from skipped ones (the driver counts found rows), the read can.
     */
    @Override
    public int insertIgnoringDuplicates(Connection connection, List<UUID> eventIds, RowBinder binder)
            throws SQLException {
        Set<UUID> present = present(connection, eventIds);
        List<Integer> absentRows = absentRows(eventIds, present);
        if (absentRows.isEmpty()) {
            return 0;
        }
        try (PreparedStatement statement = connection.prepareStatement(sql.insertIgnoringDuplicates(absentRows.size()))) {
            bindRows(statement, absentRows.size(), (bound, index, row) -> binder.bind(bound, index, absentRows.get(row)));
            statement.executeUpdate();
        }
        return absentRows.size();
    }

    private static List<Integer> absentRows(List<UUID> eventIds, Set<UUID> present) {
        List<Integer> absentRows = new ArrayList<>();
        for (int row = 0; row < eventIds.size(); row++) {
            if (!present.contains(eventIds.get(row))) {
                absentRows.add(row);
            }
        }
        return absentRows;
    }

    @Override
    public int deleteByEventIds(Connection connection, Collection<UUID> eventIds) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.deleteByEventIds(eventIds.size()))) {
            int index = 1;
            for (UUID id : eventIds) {
                dialect.setUuid(statement, index++, id);
            }
            return statement.executeUpdate();
        }
    }

    @Override
    public <R> List<R> claim(Connection connection, LeaseClaim claim, RowMapper<R> mapper) throws SQLException {
        List<Long> locked = lock(connection, claim.keyOrdered(), claim.window(), claim.limit(), rs -> rs.getLong(1));
        if (locked.isEmpty()) {
            return List.of();
        }
        try (PreparedStatement lease = connection.prepareStatement(sql.lease(locked.size()))) {
            lease.setString(1, claim.owner());
            lease.setLong(2, claim.lease().toMillis());
            bindIds(lease, 3, locked);
            lease.executeUpdate();
        }
        try (PreparedStatement read = connection.prepareStatement(sql.rowsByIds(locked.size()))) {
            bindIds(read, 1, locked);
            return readRows(read, mapper);
        }
    }

    @Override
    public <R> List<R> lock(Connection connection, boolean keyOrdered, int window, int limit, RowMapper<R> mapper)
            throws SQLException {
        if (!keyOrdered) {
            try (PreparedStatement statement = connection.prepareStatement(sql.lock())) {
                statement.setInt(1, limit);
                return readRows(statement, mapper);
            }
        }
        List<Long> candidates = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql.keyOrderedCandidates(holdsKeys()))) {
            int index = 1;
            statement.setInt(index++, window);
            if (holdsKeys()) {
                bindKeyHoldingTypes(statement, index++);
            }
            statement.setInt(index, (int) Math.min(window, (long) limit * CANDIDATE_BATCHES));
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    candidates.add(rs.getLong(1));
                }
            }
        }
        List<R> locked = new ArrayList<>();
        for (int from = 0; from < candidates.size() && locked.size() < limit; from += MariaDbOutboxSql.MAX_LOCKING_IDS) {
            List<Long> listed = candidates.subList(from, Math.min(candidates.size(), from + MariaDbOutboxSql.MAX_LOCKING_IDS));
            try (PreparedStatement statement = connection.prepareStatement(sql.lockDueByIds(listed.size()))) {
                statement.setInt(bindIds(statement, 1, listed), limit - locked.size());
                locked.addAll(readRows(statement, mapper));
            }
        }
        return locked;
    }

    @Override
    public int markPublished(Connection connection, Collection<Long> ids, String owner, boolean delete)
            throws SQLException {
        boolean locked = owner == null;
        try (PreparedStatement statement = connection.prepareStatement(
                delete ? sql.deletePublished(ids.size(), locked) : sql.markPublished(ids.size(), locked))) {
            int index = bindIds(statement, 1, ids);
            if (!locked) {
                statement.setString(index, owner);
            }
            return statement.executeUpdate();
        }
    }

    /** One guarded statement per row (failures are few; each row's own attempts fence it). */
    @Override
    public Map<Long, OutboxState> markFailed(Connection connection, List<FailedAttempt> failures, String owner)
            throws SQLException {
        Map<Long, OutboxState> states = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(
                owner == null ? sql.markLockedFailed() : sql.markFailed())) {
            for (FailedAttempt failure : failures) {
                bindKeyHoldingTypes(statement, 1);
                statement.setLong(2, failure.delayMillis());
                statement.setString(3, failure.error());
                statement.setLong(4, failure.id());
                if (owner != null) {
                    statement.setInt(5, failure.attempts());
                    statement.setString(6, owner);
                }
                if (statement.executeUpdate() == 1) {
                    states.put(failure.id(), failure.attempts() + 1 >= failure.maxAttempts()
                            ? OutboxState.DEAD : OutboxState.PENDING);
                }
            }
        }
        return states;
    }

    @Override
    public int reclaimExpired(Connection connection, int limit) throws SQLException {
        List<Long> expired = lockedIds(connection, sql.expiredLeases(), limit);
        if (expired.isEmpty()) {
            return 0;
        }
        try (PreparedStatement statement = connection.prepareStatement(sql.reclaim(expired.size()))) {
            bindKeyHoldingTypes(statement, 1);
            bindIds(statement, 2, expired);
            return statement.executeUpdate();
        }
    }

    @Override
    public int release(Connection connection, Collection<Long> ids, String owner) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.release(ids.size()))) {
            statement.setString(bindIds(statement, 1, ids), owner);
            return statement.executeUpdate();
        }
    }

    @Override
    public int renew(Connection connection, Collection<Long> ids, String owner, Duration lease) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.renew(ids.size()))) {
            statement.setLong(1, lease.toMillis());
            statement.setString(bindIds(statement, 2, ids), owner);
            return statement.executeUpdate();
        }
    }

    @Override
    public DeletedRows deleteFinished(Connection connection, Duration age, long fromId, int limit) throws SQLException {
        List<Long> finished = lockedIds(connection, sql.finishedRows(), limit, fromId, age.toMillis());
        if (finished.isEmpty()) {
            return new DeletedRows(0, fromId);
        }
        try (PreparedStatement statement = connection.prepareStatement(sql.deleteByIds(finished.size()))) {
            bindIds(statement, 1, finished);
            return new DeletedRows(statement.executeUpdate(), finished.get(finished.size() - 1));
        }
    }

    @Override
    protected void bindRowIds(PreparedStatement statement, int index, List<Long> ids) throws SQLException {
        try {
            statement.setString(index, JSON.writeValueAsString(ids));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("ids are always JSON", e);
        }
    }

    @Override
    protected List<Long> readRowIds(ResultSet rs, int column) throws SQLException {
        try {
            JsonNode array = JSON.readTree(rs.getString(column));
            List<Long> ids = new ArrayList<>();
            for (JsonNode id : array == null || !array.isArray() ? List.<JsonNode>of() : array) {
                if (!id.isIntegralNumber() || !id.canConvertToLong()) {
                    return List.of();
                }
                ids.add(id.longValue());
            }
            return ids;
        } catch (JsonProcessingException e) {
            return List.of();
        }
    }

    /** Locks the pending rows no one holds, then counts their attempt by id. */
    @Override
    public List<Long> countLostClaim(Connection connection, List<Long> rowIds, String error) throws SQLException {
        List<Long> lost = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql.lockPendingByIds(rowIds.size()))) {
            bindIds(statement, 1, rowIds);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    lost.add(rs.getLong(1));
                }
            }
        }
        if (lost.isEmpty()) {
            return lost;
        }
        try (PreparedStatement statement = connection.prepareStatement(sql.countLostClaim(lost.size()))) {
            bindKeyHoldingTypes(statement, 1);
            statement.setString(2, error);
            bindIds(statement, 3, lost);
            statement.executeUpdate();
        }
        return lost;
    }

    @Override
    public boolean anyPending(Connection connection, List<Long> rowIds) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.anyPendingOf(rowIds.size()))) {
            bindIds(statement, 1, rowIds);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** Ids from a locking query whose parameters are the {@code leading} numbers, then the limit. */
    private static List<Long> lockedIds(Connection connection, String query, int limit, long... leading)
            throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            int index = 1;
            for (long parameter : leading) {
                statement.setLong(index++, parameter);
            }
            statement.setInt(index, limit);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    /** Binds ids from {@code index} on; returns the next free index. */
    private static int bindIds(PreparedStatement statement, int index, Collection<Long> ids) throws SQLException {
        for (long id : ids) {
            statement.setLong(index++, id);
        }
        return index;
    }
}
