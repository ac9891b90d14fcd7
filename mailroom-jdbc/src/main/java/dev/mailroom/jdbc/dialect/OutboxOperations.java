package dev.mailroom.jdbc.dialect;

import dev.mailroom.state.OutboxState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What the store asks a dialect to do on one outbox (or inbox) table, each operation on the
 * caller's connection inside the caller's transaction (never committing). A dialect may use one
 * statement where another needs two: PostgreSQL claims with {@code UPDATE … RETURNING} and binds id
 * arrays; MariaDB locks with {@code SELECT … FOR UPDATE SKIP LOCKED}, then updates by id lists.
 * Operations whose statements have the same shape everywhere are implemented here once; the
 * statements themselves are each dialect's ({@link OutboxSql}). Every state change is guarded by
 * the states the state machine allows it from.
 */
public abstract class OutboxOperations {

    /** Reads one row of {@link OutboxSql#columns()}. */
    @FunctionalInterface
    public interface RowMapper<R> {
        R map(ResultSet rs) throws SQLException;
    }

    /** Binds the insert parameters of the {@code row}-th row from {@code index} on; returns the next free index. */
    @FunctionalInterface
    public interface RowBinder {
        int bind(PreparedStatement statement, int index, int row) throws SQLException;
    }

    /**
     * A lease claim: due pending rows leased to {@code owner}; key-ordered ones only the oldest
     * undelivered row of their key, looked for among the {@code window} oldest due rows.
     */
    public record LeaseClaim(String owner, Duration lease, boolean keyOrdered, int window, int limit) {
    }

    /** A row-lock claim's record in the claim journal: its id and the ids of the rows it locked. */
    public record ClaimRecord(long id, List<Long> rowIds) {
    }

    /**
     * What a row-lock claim that found nothing asks before it sleeps (see {@link #idleFacts}).
     *
     * @param retryWaiting a pending row waits for a retry
     * @param keyHeld      a dead row holds its key
     * @param lostClaim    a claim journal record no transaction holds exists (now locked by the asker)
     * @param nextDueIn    until the next row is due without an insert, as {@link #nextDueIn}
     * @param duePending   a due row is pending (claimable, or held by another claimer or by its key)
     */
    public record IdleFacts(boolean retryWaiting, boolean keyHeld, boolean lostClaim, Optional<Duration> nextDueIn,
                            boolean duePending) {
    }

    /** A record just written to the claim journal, and whether a record no transaction holds existed beside it. */
    public record RecordedClaim(long id, boolean lostClaimSeen) {
    }

    protected final SqlDialect dialect;
    private final OutboxSql sql;
    /** Event types whose dead rows hold back the later rows of their key ({@code PoisonPolicy.HOLD_KEY}). */
    protected final Set<String> keyHoldingTypes;

    protected OutboxOperations(SqlDialect dialect, OutboxSql sql, Set<String> keyHoldingTypes) {
        this.dialect = dialect;
        this.sql = sql;
        this.keyHoldingTypes = Set.copyOf(keyHoldingTypes);
    }

    /** Partition-leased claims on this table, where the dialect supports them (PostgreSQL). */
    public Optional<PartitionLeaseOperations> partitionLeases() {
        return Optional.empty();
    }

    /** The time-partitioned layout's retention, where the dialect has that layout (PostgreSQL). */
    public Optional<TimePartitions> timePartitions() {
        return Optional.empty();
    }

    /** Whether dead rows of some type hold their keys, so key-ordered claims look for them. */
    protected boolean holdsKeys() {
        return !keyHoldingTypes.isEmpty();
    }

    /** Binds the key-holding types as the dialect's statements take them (an array, a JSON array). */
    protected abstract void bindKeyHoldingTypes(PreparedStatement statement, int index) throws SQLException;

    /** The statements, for tools that show or reuse them. */
    public OutboxSql sql() {
        return sql;
    }

    /** Inserts {@code rows} rows (plain multi-row insert; new event ids). */
    public void insert(Connection connection, int rows, RowBinder binder) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.insert(rows))) {
            bindRows(statement, rows, binder);
            statement.executeUpdate();
        }
    }

    /**
     * Inserts the rows whose event id is not present yet, without an error that would abort the
     * transaction; returns the event ids (of {@code eventIds}, row order) that were present. Every
     * other row is inserted.
     */
    public abstract Set<UUID> insertAbsent(Connection connection, List<UUID> eventIds, RowBinder binder)
            throws SQLException;

    /**
     * Inserts the rows, skipping those whose event id (of {@code eventIds}, row order) is present,
     * without an error even when another transaction inserts one meanwhile; returns how many were new.
     */
    public abstract int insertIgnoringDuplicates(Connection connection, List<UUID> eventIds, RowBinder binder)
            throws SQLException;

    /** Deletes rows by event id whatever their state (undoes a refused publish); returns the count. */
    public abstract int deleteByEventIds(Connection connection, Collection<UUID> eventIds) throws SQLException;

    /** Leases claimable rows; returns them (as leased) in any order. */
    public abstract <R> List<R> claim(Connection connection, LeaseClaim claim, RowMapper<R> mapper) throws SQLException;

    /**
     * Locks claimable rows ({@code FOR UPDATE SKIP LOCKED}) without changing them; the lock is the
     * lease, held until the transaction ends. {@code window} as in {@link LeaseClaim}.
     */
    public abstract <R> List<R> lock(Connection connection, boolean keyOrdered, int window, int limit,
                                     RowMapper<R> mapper) throws SQLException;

    /**
     * Marks acknowledged rows published, or deletes them when {@code delete}. With an owner, sending
     * rows leased to it; with null, pending rows this transaction locked. Returns the count.
     */
    public abstract int markPublished(Connection connection, Collection<Long> ids, String owner, boolean delete)
            throws SQLException;

    /**
     * As {@link #markPublished} with a null owner (rows this transaction, or a partition lease,
     * holds), each row named by its id and creation time: a dialect with time-partitioned tables
     * looks for each row in its own partition only. Returns the count.
     */
    public int markPublished(Connection connection, Map<Long, Instant> createdAtById, boolean delete)
            throws SQLException {
        return markPublished(connection, createdAtById.keySet(), null, delete);
    }

    /**
     * Records failed attempts: attempts + 1, the error, the next attempt after the delay, dead once
     * max attempts are reached. With an owner, sending rows leased to it whose attempts are still
     * those seen at the claim; with null, pending rows this transaction locked. Returns the new state
     * of each row that changed.
     */
    public abstract Map<Long, OutboxState> markFailed(Connection connection, List<FailedAttempt> failures,
                                                      String owner) throws SQLException;

    /** Returns up to {@code limit} expired leases to pending (dead at max attempts), counting an attempt. */
    public abstract int reclaimExpired(Connection connection, int limit) throws SQLException;

    /** Returns leased rows to pending without counting an attempt. */
    public abstract int release(Connection connection, Collection<Long> ids, String owner) throws SQLException;

    /** Extends the leases {@code owner} still holds. */
    public abstract int renew(Connection connection, Collection<Long> ids, String owner, Duration lease)
            throws SQLException;

    /**
     * Deletes up to {@code limit} published, consumed or discarded rows last changed more than
     * {@code age} ago, the lowest ids from {@code fromId} on first (rows another transaction holds are
     * passed by); returns how many and the last id deleted, after which the next batch of the pass
     * starts.
     */
    public abstract DeletedRows deleteFinished(Connection connection, Duration age, long fromId, int limit)
            throws SQLException;

    /** Binds row ids as the dialect's claim journal keeps them (an array, a JSON array). */
    protected abstract void bindRowIds(PreparedStatement statement, int index, List<Long> ids) throws SQLException;

    /**
     * Reads row ids as the dialect's claim journal keeps them; none when the record cannot be read
     * as ids (a record written by hand), so it is forgotten instead of failing every claim.
     */
    protected abstract List<Long> readRowIds(ResultSet rs, int column) throws SQLException;

    /**
     * Records the rows of a row-lock claim in the claim journal (on a connection of its own, whose
     * transaction commits before the rows are sent); returns the record's id.
     */
    public long recordClaim(Connection connection, List<Long> rowIds) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.claimJournal().record(), new String[] {"id"})) {
            bindRowIds(statement, 1, rowIds);
            statement.executeUpdate();
            try (ResultSet keys = statement.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new SQLException("the claim journal returned no id for its record");
                }
                return keys.getLong(1);
            }
        }
    }

    /** Whether {@link #recordClaimSeeingLost} is available: one statement that records and looks for lost claims. */
    public boolean recordsSeeingLostClaims() {
        return sql.claimJournal().recordSeeingLost() != null;
    }

    /**
     * {@link #recordClaim}, and in the same statement whether a record no transaction holds names any
     * of the rows (other than this one): a claim lost by its relay, as {@link #lockAnyUnheldClaimOf}
     * would find (on another connection: it passes by records the caller's claim transaction locked).
     */
    public RecordedClaim recordClaimSeeingLost(Connection connection, List<Long> rowIds) throws SQLException {
        if (!recordsSeeingLostClaims()) {
            throw new UnsupportedOperationException(dialect.name() + " records a claim and looks for lost ones in two"
                    + " statements");
        }
        try (PreparedStatement statement = connection.prepareStatement(sql.claimJournal().recordSeeingLost())) {
            bindRowIds(statement, 1, rowIds);
            bindRowIds(statement, 2, rowIds);
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("the claim journal returned no id for its record");
                }
                return new RecordedClaim(rs.getLong(1), rs.getBoolean(2));
            }
        }
    }

    /** Locks a claim record in the claiming transaction, so other claims see its claim alive. Returns whether it exists. */
    public boolean holdClaim(Connection connection, long recordId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.claimJournal().hold())) {
            statement.setLong(1, recordId);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Settles the published rows of a row-lock batch (rows this transaction locked: published, or
     * deleted with {@code delete}), removes the batch's claim record and commits; three round trips
     * unless the dialect sends them together.
     */
    public void settleLockedAndCommit(Connection connection, Collection<Long> published, long recordId, boolean delete)
            throws SQLException {
        if (!published.isEmpty()) {
            markPublished(connection, published, null, delete);
        }
        forgetClaim(connection, recordId);
        connection.commit();
    }

    /** Removes a claim record. */
    public void forgetClaim(Connection connection, long recordId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.claimJournal().forget())) {
            statement.setLong(1, recordId);
            statement.executeUpdate();
        }
    }

    /**
     * Whether a claim record no claiming transaction holds names any of {@code rowIds}, of any age
     * (locking the oldest, which {@link #lockUnheldClaims} may pass by while it is young).
     */
    public boolean lockAnyUnheldClaimOf(Connection connection, List<Long> rowIds) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.claimJournal().anyUnheld())) {
            bindRowIds(statement, 1, rowIds);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Locks up to {@code limit} claim records that no claiming transaction holds, oldest first, to
     * count them lost (the dialect may pass by young ones, see {@link ClaimJournalSql#unheld}).
     */
    public List<ClaimRecord> lockUnheldClaims(Connection connection, int limit) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.claimJournal().unheld())) {
            statement.setInt(1, limit);
            return readRows(statement, rs -> new ClaimRecord(rs.getLong(1), readRowIds(rs, 2)));
        }
    }

    /**
     * Counts the attempt of a lost row-lock claim ({@code error}) for each of {@code rowIds} that is
     * pending and that no transaction holds: attempts + 1, due at once, dead at max attempts (holding
     * its key when its type holds keys). Returns the ids counted.
     */
    public abstract List<Long> countLostClaim(Connection connection, List<Long> rowIds, String error)
            throws SQLException;

    /** Whether any of the rows is pending. */
    public abstract boolean anyPending(Connection connection, List<Long> rowIds) throws SQLException;

    /** Marks a row dead with a reason; with an owner only if leased to it. Returns whether it changed. */
    public boolean markDead(Connection connection, long id, String owner, String reason) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.markDead())) {
            bindKeyHoldingTypes(statement, 1);
            statement.setString(2, reason);
            statement.setLong(3, id);
            statement.setString(4, owner);
            statement.setString(5, owner);
            return statement.executeUpdate() == 1;
        }
    }

    /** Locks the row of an event id and returns its state; empty when there is none. */
    public Optional<OutboxState> lockByEventId(Connection connection, UUID eventId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.lockByEventId())) {
            dialect.setUuid(statement, 1, eventId);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? Optional.of(OutboxState.fromDbValue(rs.getString(1))) : Optional.empty();
            }
        }
    }

    /** Marks the row of an event id consumed; returns whether it changed. */
    public boolean markConsumed(Connection connection, UUID eventId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.markConsumed())) {
            dialect.setUuid(statement, 1, eventId);
            return statement.executeUpdate() == 1;
        }
    }

    /** Row count per state, every state present. */
    public Map<OutboxState, Long> countByState(Connection connection) throws SQLException {
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
        return byState;
    }

    /** The number of undelivered (pending or sending) rows. */
    public long countUndelivered(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.countUndelivered());
             ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Why the table's dead row versions are not removed automatically (PostgreSQL: autovacuum is off
     * for the server or the table); empty when they are.
     */
    public Optional<String> whyNotVacuumed(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.whyNotVacuumed());
             ResultSet rs = statement.executeQuery()) {
            return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
        }
    }

    /** Age of the oldest undelivered (pending or sending) row. */
    public Optional<Duration> oldestUndeliveredAge(Connection connection) throws SQLException {
        return seconds(connection, sql.oldestUndeliveredAge());
    }

    /** Time until a row becomes claimable without a new insert; zero when a lease already expired. */
    public Optional<Duration> nextDueIn(Connection connection) throws SQLException {
        return seconds(connection, sql.nextDueIn());
    }

    /** Whether {@link #idleFacts} is available: the dialect answers an empty claim's questions in one statement. */
    public boolean answersIdleFactsAtOnce() {
        return sql.idleFacts(false) != null;
    }

    /**
     * {@link #anyRetryWaiting}, {@link #anyKeyHeld}, whether a claim record no transaction holds
     * exists (as {@link #lockUnheldClaims} would find, locked), {@link #nextDueIn} and
     * {@link #anyDuePending}, in one statement.
     */
    public IdleFacts idleFacts(Connection connection) throws SQLException {
        if (!answersIdleFactsAtOnce()) {
            throw new UnsupportedOperationException(dialect.name() + " answers an empty claim's questions one by one");
        }
        try (PreparedStatement statement = connection.prepareStatement(sql.idleFacts(holdsKeys()))) {
            if (holdsKeys()) {
                bindKeyHoldingTypes(statement, 1);
            }
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("the empty claim's questions returned no answer");
                }
                return new IdleFacts(rs.getBoolean(1), rs.getBoolean(2), rs.getBoolean(3), seconds(rs, 4),
                        rs.getBoolean(5));
            }
        }
    }

    /** Whether a pending row waits for a retry (and may hold its key back). */
    public boolean anyRetryWaiting(Connection connection) throws SQLException {
        return exists(connection, sql.anyRetryWaiting());
    }

    /** Whether a dead row holds back its key (only ever with key-holding types). */
    public boolean anyKeyHeld(Connection connection) throws SQLException {
        if (!holdsKeys()) {
            return false;
        }
        try (PreparedStatement statement = connection.prepareStatement(sql.anyKeyHeld())) {
            bindKeyHoldingTypes(statement, 1);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** Whether a pending row is due (claimable, or held by another claimer or by its key). */
    public boolean anyDuePending(Connection connection) throws SQLException {
        return exists(connection, sql.anyDuePending());
    }

    /** The row of an event id. */
    public <R> Optional<R> findByEventId(Connection connection, UUID eventId, RowMapper<R> mapper) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.findByEventId())) {
            dialect.setUuid(statement, 1, eventId);
            List<R> rows = readRows(statement, mapper);
            return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
        }
    }

    /** The row of an id. */
    public <R> Optional<R> findById(Connection connection, long id, RowMapper<R> mapper) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.findById())) {
            statement.setLong(1, id);
            List<R> rows = readRows(statement, mapper);
            return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
        }
    }

    protected static void bindRows(PreparedStatement statement, int rows, RowBinder binder) throws SQLException {
        int index = 1;
        for (int row = 0; row < rows; row++) {
            index = binder.bind(statement, index, row);
        }
    }

    protected static <R> List<R> readRows(PreparedStatement statement, RowMapper<R> mapper) throws SQLException {
        List<R> rows = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                rows.add(mapper.map(rs));
            }
        }
        return rows;
    }

    private static boolean exists(Connection connection, String existsSql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(existsSql);
             ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** A query answering one number of seconds, or null: as a duration, negative ones as zero. */
    private static Optional<Duration> seconds(Connection connection, String secondsSql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(secondsSql);
             ResultSet rs = statement.executeQuery()) {
            return rs.next() ? seconds(rs, 1) : Optional.empty();
        }
    }

    /** A column of seconds, or null: as a duration, negative ones as zero. */
    private static Optional<Duration> seconds(ResultSet rs, int column) throws SQLException {
        double seconds = rs.getDouble(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(Duration.ofNanos((long) (Math.max(0, seconds) * 1e9)));
    }
}
