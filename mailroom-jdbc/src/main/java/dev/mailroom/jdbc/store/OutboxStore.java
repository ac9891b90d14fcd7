package dev.mailroom.jdbc.store;

import dev.mailroom.internal.Arguments;
import dev.mailroom.jdbc.dialect.OutboxSql;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.internal.StoreErrors;
import dev.mailroom.jdbc.internal.Transactions;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.routing.TableName;
import dev.mailroom.state.OutboxState;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The outbox table's state changes, each one short transaction guarded by the states the
 * {@link OutboxState state machine} allows it from, and by the lease owner for anything done under
 * a lease (a relay that wakes up after its lease expired changes nothing). No call holds a row
 * lock while doing I/O other than its own statements, except {@link #consume}, which by design
 * runs the caller's work under the row lock.
 *
 * <p>Time is the database's ({@code now()}), so relays on machines with skewed clocks agree.
 */
public final class OutboxStore {

    /** Longest {@code last_error} kept; longer errors are cut. */
    public static final int MAX_ERROR_LENGTH = 2000;
    public static final int DEFAULT_RETENTION_BATCH = 500;
    static final int KEY_ORDER_WINDOW_FACTOR = 4;
    /**
     * What {@link #lockOrNextDue} answers when due rows exist that it could not lock: another
     * claimer holds them (or their keys), and finishing sends no notification, so look again soon.
     */
    static final Duration HELD_ROWS_RECHECK = Duration.ofMillis(200);

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final TableName table;
    private final OutboxSql sql;
    private final RetryPolicy retryPolicy;
    private final boolean asynchronousCommit;
    private final boolean deletePublished;
    /** Longest a relay transaction may sit idle or run one statement; null: the server's settings. */
    private final Duration lockTimeout;

    private OutboxStore(DataSource dataSource, SqlDialect dialect, TableName table, RetryPolicy retryPolicy,
                        boolean asynchronousCommit, boolean deletePublished, Duration lockTimeout) {
        this.asynchronousCommit = asynchronousCommit;
        this.deletePublished = deletePublished;
        this.lockTimeout = lockTimeout;
        this.dataSource = Arguments.requireNonNull(dataSource, "dataSource");
        this.dialect = Arguments.requireNonNull(dialect, "dialect");
        this.table = Arguments.requireNonNull(table, "table");
        this.retryPolicy = Arguments.requireNonNull(retryPolicy, "retryPolicy");
        this.sql = dialect.outboxSql(table);
    }

    /** A store for one outbox table, on PostgreSQL with the default retry policy unless told otherwise. */
    public static OutboxStore create(DataSource dataSource, TableName table) {
        return create(dataSource, SqlDialect.postgresql(), table, RetryPolicy.defaults());
    }

    public static OutboxStore create(DataSource dataSource, SqlDialect dialect, TableName table, RetryPolicy retry) {
        return new OutboxStore(dataSource, dialect, table, retry, false, false, null);
    }

    /**
     * The same store, with the relay's own bookkeeping (claim, published, failed, dead, lease
     * changes) committed without waiting for the write-ahead log flush where the dialect allows it
     * (PostgreSQL {@code synchronous_commit = off}, per transaction). A database crash can then
     * forget the last few milliseconds of bookkeeping, which only means a row is delivered again
     * (at-least-once holds; the inbox absorbs it). Publishing and consuming are never affected.
     * Removes a disk flush from every relay round trip: lower latency, higher throughput.
     */
    public OutboxStore withAsynchronousCommit() {
        return new OutboxStore(dataSource, dialect, table, retryPolicy, true, deletePublished, lockTimeout);
    }

    /**
     * The same store, deleting rows once their delivery is acknowledged instead of marking them
     * {@code published} (what Debezium's outbox pattern and gruelbox do): no history of delivered
     * events stays in the table, and a consumer sharing the database finds no row to mark consumed.
     * A delete writes far less than an update (no new row version, no index entries).
     */
    public OutboxStore withPublishedRowsDeleted() {
        return new OutboxStore(dataSource, dialect, table, retryPolicy, asynchronousCommit, true, lockTimeout);
    }

    /**
     * The same store, with every transaction of the relay's bookkeeping (claims, settlements, lease
     * changes, and the row-lock claim's transaction {@linkplain #lockOrNextDue kept open while its
     * batch is sent}) ended by the database once it has sat idle for {@code timeout}, or once one of
     * its statements has run that long (PostgreSQL {@code idle_in_transaction_session_timeout} and
     * {@code statement_timeout}, per transaction). A relay that hangs (a stopped process, a long GC
     * pause, a frozen VM) then holds no row lock longer than {@code timeout} past its last statement;
     * the session is ended, so what the relay tries when it wakes fails and changes nothing. The
     * relay passes its lease. Must exceed the longest a locked batch waits for its sends (the relay's
     * send timeout), or the database ends healthy batches. Publishing and consuming are never affected.
     */
    public OutboxStore withLockTimeout(Duration timeout) {
        if (timeout == null || timeout.toMillis() < 1) {
            throw new IllegalArgumentException("lock timeout must be at least 1 ms, was " + timeout);
        }
        return new OutboxStore(dataSource, dialect, table, retryPolicy, asynchronousCommit, deletePublished, timeout);
    }

    public TableName table() {
        return table;
    }

    /**
     * Claims up to {@code limit} due pending rows in id order ({@code FOR UPDATE SKIP LOCKED}, so
     * concurrent claimers never receive the same row) and leases them to {@code owner} for
     * {@code lease}. Returns them in id order.
     */
    public List<OutboxRow> claim(String owner, int limit, Duration lease) {
        return claim(false, owner, limit, lease, false).rows();
    }

    /**
     * Like {@link #claim}, but hands out only the oldest undelivered row of each key (rows without a
     * key are not ordered). A key whose oldest row waits for a retry, or is leased to any relay,
     * yields nothing until that row is published or dead, so every key's rows reach the transport in
     * id order across all relays, while other keys go on.
     */
    public List<OutboxRow> claimInKeyOrder(String owner, int limit, Duration lease) {
        return claim(true, owner, limit, lease, false).rows();
    }

    /**
     * What a relay's claim loop calls: claims like {@link #claimInKeyOrder} (or {@link #claim} when
     * {@code inKeyOrder} is false) and, when nothing was claimable, also answers {@link #nextDueIn()}
     * in the same transaction, so both read the same clock and no row can fall between them (due
     * too late for the claim, yet too early to count as waiting).
     */
    public ClaimResult claimOrNextDue(String owner, int limit, Duration lease, boolean inKeyOrder) {
        return claim(inKeyOrder, owner, limit, lease, true);
    }

    /**
     * The key-ordered claim first looks at the {@value #KEY_ORDER_WINDOW_FACTOR} × limit oldest due
     * rows. When none of them is claimable and some row waits for a retry (a key can be held back
     * for long only by such a row), it looks at the whole backlog, so a failing key with a long tail
     * never starves the others. Keys held by rows in flight free up within a send timeout, so then
     * it does not: walking a deep backlog on every claim costs more than waiting for them.
     */
    private ClaimResult claim(boolean inKeyOrder, String owner, int limit, Duration lease, boolean nextDueWhenEmpty) {
        requireOwner(owner);
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        return relayWrite("claim", true, connection -> {
            List<OutboxRow> rows = inClaimOrder(connection, inKeyOrder, limit, (keyOrdered, window) -> claimRows(
                    connection, keyOrdered ? sql.claimInKeyOrder() : sql.claim(), owner, lease, window, limit));
            Optional<Duration> nextDue = rows.isEmpty() && nextDueWhenEmpty ? nextDueIn(connection) : Optional.empty();
            return new ClaimResult(rows, nextDue);
        });
    }

    /**
     * Claims by row lock instead of lease (see {@link LockedBatch}): locks up to {@code limit} due
     * pending rows, in key order like {@link #claimInKeyOrder} when {@code inKeyOrder}, and returns
     * them with the transaction still open. When nothing was claimable the transaction is already
     * finished and the batch answers {@link #nextDueIn()} instead. The caller must settle or close it.
     */
    public LockedBatch lockOrNextDue(int limit, boolean inKeyOrder) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        Connection connection = null;
        try {
            connection = dataSource.getConnection();
            connection.setAutoCommit(false);
            applyTransactionSettings(connection, true);
            Connection locking = connection;
            List<OutboxRow> rows = inClaimOrder(locking, inKeyOrder, limit, (keyOrdered, window) -> lockRows(
                    locking, keyOrdered ? sql.lockInKeyOrder() : sql.lock(), window, limit));
            if (!rows.isEmpty()) {
                return new LockedBatch(connection, sql, dialect, table.qualified(), retryPolicy, deletePublished, rows,
                        Optional.empty());
            }
            Optional<Duration> nextDue = nextDueIn(connection);
            if (nextDue.isEmpty() && exists(connection, sql.anyDuePending())) {
                nextDue = Optional.of(HELD_ROWS_RECHECK);
            }
            connection.commit();
            connection.setAutoCommit(true);
            connection.close();
            return new LockedBatch(null, sql, dialect, table.qualified(), retryPolicy, deletePublished, rows, nextDue);
        } catch (SQLException | RuntimeException e) {
            if (connection != null) {
                try (Connection closing = connection) {
                    closing.rollback();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e instanceof SQLException sqlError ? StoreErrors.translate(dialect, table.qualified(), "lock", sqlError)
                    : (RuntimeException) e;
        }
    }

    /** One claim statement, plain or key-ordered; {@code window} is null for the plain one. */
    @FunctionalInterface
    private interface ClaimQuery {
        List<OutboxRow> run(boolean keyOrdered, Integer window) throws SQLException;
    }

    /**
     * The claimable rows in id order, the same way for lease and lock claims: plain, or key-ordered
     * over a window of the oldest due rows and, when that yields nothing while a retry waits, over
     * the whole backlog (see {@link #claim(boolean, String, int, Duration, boolean)}).
     */
    private List<OutboxRow> inClaimOrder(Connection connection, boolean inKeyOrder, int limit, ClaimQuery query)
            throws SQLException {
        List<OutboxRow> rows;
        if (!inKeyOrder) {
            rows = query.run(false, null);
        } else {
            rows = query.run(true, limit * KEY_ORDER_WINDOW_FACTOR);
            if (rows.isEmpty() && anyRetryWaiting(connection)) {
                rows = query.run(true, Integer.MAX_VALUE);
            }
        }
        rows.sort(Comparator.comparingLong(OutboxRow::id));
        return rows;
    }

    /**
     * The relay's per-transaction settings in one round trip: asynchronous commit and the lock
     * timeout (when this store has them) and, for a claim, index-only plans
     * ({@link SqlDialect#indexedClaimSql()}).
     */
    private void applyTransactionSettings(Connection connection, boolean claim) throws SQLException {
        StringJoiner settings = new StringJoiner("; ");
        if (asynchronousCommit && dialect.asynchronousCommitSql() != null) {
            settings.add(dialect.asynchronousCommitSql());
        }
        if (lockTimeout != null && dialect.lockTimeoutSql(lockTimeout) != null) {
            settings.add(dialect.lockTimeoutSql(lockTimeout));
        }
        if (claim && dialect.indexedClaimSql() != null) {
            settings.add(dialect.indexedClaimSql());
        }
        if (settings.length() > 0) {
            try (Statement statement = connection.createStatement()) {
                statement.execute(settings.toString());
            }
        }
    }

    private List<OutboxRow> lockRows(Connection connection, String lockSql, Integer window, int limit)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(lockSql)) {
            int index = 1;
            if (window != null) {
                statement.setInt(index++, window);
            }
            statement.setInt(index, limit);
            return readRows(statement);
        }
    }

    private boolean anyRetryWaiting(Connection connection) throws SQLException {
        return exists(connection, sql.anyRetryWaiting());
    }

    private static boolean exists(Connection connection, String existsSql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(existsSql);
             ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private List<OutboxRow> claimRows(Connection connection, String claimSql, String owner, Duration lease,
                                      Integer window, int limit) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(claimSql)) {
            int index = 1;
            statement.setString(index++, owner);
            statement.setLong(index++, lease.toMillis());
            if (window != null) {
                statement.setInt(index++, window);
            }
            statement.setInt(index, limit);
            return readRows(statement);
        }
    }

    /** Marks leased rows published; rows no longer leased to {@code owner} are left alone. Returns the count changed. */
    public int markPublished(String owner, Collection<Long> ids) {
        requireOwner(owner);
        if (ids.isEmpty()) {
            return 0;
        }
        return relayWrite("mark published", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    deletePublished ? sql.deletePublished() : sql.markPublished())) {
                statement.setArray(1, longArray(connection, ids));
                statement.setString(2, owner);
                return statement.executeUpdate();
            }
        });
    }

    /**
     * Records failed delivery attempts in one statement: attempts + 1, the error (cut to
     * {@value #MAX_ERROR_LENGTH} characters), the next attempt after the retry policy's backoff, and
     * {@code dead} once attempts reach the row's max attempts. Fenced on the lease owner and on the
     * attempts the row had when claimed. Returns the new state of each row that changed.
     */
    public Map<Long, OutboxState> markFailed(String owner, List<DeliveryFailure> failures) {
        requireOwner(owner);
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
            errors[i] = truncate(failure.error());
        }
        return relayWrite("mark failed", connection -> {
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

    /** One failed attempt; see {@link #markFailed(String, List)}. Empty when the row was not leased to {@code owner}. */
    public Optional<OutboxState> markFailed(String owner, OutboxRow row, String error) {
        return Optional.ofNullable(markFailed(owner, List.of(new DeliveryFailure(row, error))).get(row.id()));
    }

    /**
     * Moves a row to {@code dead} with a reason, from {@code pending} or {@code sending}. With an
     * owner, only if the row is leased to it; with {@code null}, as an operator, whatever the lease.
     * Returns whether the row changed (false for a final, published or missing row).
     */
    public boolean markDead(long id, String owner, String reason) {
        return relayWrite("mark dead", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql.markDead())) {
                statement.setString(1, truncate(reason));
                statement.setLong(2, id);
                statement.setString(3, owner);
                statement.setString(4, owner);
                return statement.executeUpdate() == 1;
            }
        });
    }

    /**
     * Runs {@code work} and marks the row of {@code eventId} consumed in one transaction, holding the
     * row's lock meanwhile, so concurrent or repeated deliveries of the same event have one effect.
     * A row already consumed or dead, or missing, is left alone and {@code work} does not run. If
     * {@code work} throws, everything rolls back and the exception is rethrown (a checked one
     * wrapped in {@link ConsumeCallbackException}); an {@link java.sql.SQLException} from the work is
     * translated like the store's own.
     */
    public ConsumeOutcome consume(UUID eventId, ConsumeCallback work) {
        // not retried on a conflict: the work is the caller's handler, which may act outside the database
        return inTransactionOnce("consume", connection -> {
            OutboxState state;
            try (PreparedStatement lock = connection.prepareStatement(sql.lockByEventId())) {
                lock.setObject(1, eventId);
                try (ResultSet rs = lock.executeQuery()) {
                    if (!rs.next()) {
                        return ConsumeOutcome.NOT_FOUND;
                    }
                    state = OutboxState.fromDbValue(rs.getString(1));
                }
            }
            if (state == OutboxState.CONSUMED) {
                return ConsumeOutcome.ALREADY_CONSUMED;
            }
            if (state == OutboxState.DEAD) {
                return ConsumeOutcome.DEAD;
            }
            runCallback(eventId, work, connection);
            try (PreparedStatement mark = connection.prepareStatement(sql.markConsumed())) {
                mark.setObject(1, eventId);
                mark.executeUpdate();
            }
            return ConsumeOutcome.CONSUMED;
        });
    }

    /**
     * Marks the row of {@code eventId} consumed inside the caller's transaction (no commit, no
     * rollback), for a consumer that shares this outbox's database: its handler's work, its inbox
     * record and this change commit together. Returns whether the row changed (false when it is
     * already final or missing).
     */
    public boolean markConsumed(Connection transaction, UUID eventId) {
        try (PreparedStatement mark = transaction.prepareStatement(sql.markConsumed())) {
            mark.setObject(1, eventId);
            return mark.executeUpdate() == 1;
        } catch (SQLException e) {
            throw StoreErrors.translate(dialect, table.qualified(), "mark consumed", e);
        }
    }

    /**
     * Returns up to {@code limit} rows whose lease expired to {@code pending}, due at once. The lost
     * run counts as an attempt (it may have crashed the relay), so a row that keeps killing relays
     * ends {@code dead} instead of looping. Returns the number of rows reclaimed.
     */
    public int reclaimExpiredLeases(int limit) {
        return relayWrite("reclaim expired leases", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql.reclaimExpired())) {
                statement.setInt(1, limit);
                return statement.executeUpdate();
            }
        });
    }

    /** Gives leased rows back to {@code pending} without counting an attempt (graceful shutdown). */
    public int release(String owner, Collection<Long> ids) {
        return leaseUpdate("release", sql.release(), owner, ids, null);
    }

    /** Extends the leases {@code owner} still holds; returns how many it still held. */
    public int renewLeases(String owner, Collection<Long> ids, Duration lease) {
        return leaseUpdate("renew leases", sql.renew(), owner, ids, lease);
    }

    private int leaseUpdate(String operation, String statementSql, String owner, Collection<Long> ids, Duration lease) {
        requireOwner(owner);
        if (ids.isEmpty()) {
            return 0;
        }
        return relayWrite(operation, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(statementSql)) {
                int index = 1;
                if (lease != null) {
                    statement.setLong(index++, lease.toMillis());
                }
                statement.setArray(index++, longArray(connection, ids));
                statement.setString(index, owner);
                return statement.executeUpdate();
            }
        });
    }

    /**
     * Deletes published and consumed rows last changed more than {@code age} ago, {@code batchSize}
     * rows per transaction so the relay is never blocked for long. Dead rows are kept. Returns the
     * number deleted.
     */
    public long deleteFinishedOlderThan(Duration age, int batchSize) {
        long total = 0;
        int deleted;
        do {
            deleted = inTransaction("retention", connection -> {
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

    /** Counts per state and the age of the oldest undelivered row. */
    public OutboxCounts counts() {
        return inTransaction("counts", connection -> {
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
            Duration oldest = null;
            try (PreparedStatement statement = connection.prepareStatement(sql.oldestUndeliveredAge());
                 ResultSet rs = statement.executeQuery()) {
                if (rs.next()) {
                    double seconds = rs.getDouble(1);
                    if (!rs.wasNull()) {
                        oldest = Duration.ofNanos((long) (Math.max(0, seconds) * 1e9));
                    }
                }
            }
            return new OutboxCounts(Map.copyOf(byState), Optional.ofNullable(oldest));
        });
    }

    /**
     * How long until a row becomes claimable without a new insert: the earliest retry due in the
     * future, or the earliest lease expiry (zero when one has already expired). Empty when no row is
     * waiting. A relay with nothing to claim sleeps this long (capped by its fallback poll).
     */
    public Optional<Duration> nextDueIn() {
        return inTransaction("next due", this::nextDueIn);
    }

    private Optional<Duration> nextDueIn(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.nextDueIn());
             ResultSet rs = statement.executeQuery()) {
            rs.next();
            double seconds = rs.getDouble(1);
            return rs.wasNull() ? Optional.empty() : Optional.of(Duration.ofNanos((long) (Math.max(0, seconds) * 1e9)));
        }
    }

    /** The row of an event id, if there is one. */
    public Optional<OutboxRow> find(UUID eventId) {
        return inTransaction("find", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql.findByEventId())) {
                statement.setObject(1, eventId);
                List<OutboxRow> rows = readRows(statement);
                return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
            }
        });
    }

    static String truncate(String error) {
        if (error == null || error.length() <= MAX_ERROR_LENGTH) {
            return error;
        }
        return error.substring(0, MAX_ERROR_LENGTH);
    }

    private static void requireOwner(String owner) {
        if (owner == null || owner.isBlank()) {
            throw new IllegalArgumentException("lease owner must not be blank");
        }
    }

    private static Array longArray(Connection connection, Collection<Long> ids) throws SQLException {
        return connection.createArrayOf("bigint", ids.toArray(new Long[0]));
    }

    private static List<OutboxRow> readRows(PreparedStatement statement) throws SQLException {
        List<OutboxRow> rows = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                rows.add(OutboxRowMapper.map(rs));
            }
        }
        return rows;
    }

    private static void runCallback(UUID eventId, ConsumeCallback work, Connection connection)
            throws SQLException {
        try {
            work.accept(connection);
        } catch (RuntimeException | SQLException e) {
            throw e;
        } catch (Exception e) {
            throw new ConsumeCallbackException(eventId, e);
        }
    }

    private <T> T relayWrite(String operation, Transactions.SqlWork<T> work) {
        return relayWrite(operation, false, work);
    }

    private <T> T relayWrite(String operation, boolean claim, Transactions.SqlWork<T> work) {
        return inTransaction(operation, connection -> {
            applyTransactionSettings(connection, claim);
            return work.run(connection);
        });
    }

    /** Mailroom's own statements: a transaction lost to a deadlock or serialization failure is run again. */
    private <T> T inTransaction(String operation, Transactions.SqlWork<T> work) {
        try {
            return Transactions.inTransactionRetryingConflicts(dataSource, dialect, work);
        } catch (SQLException e) {
            throw StoreErrors.translate(dialect, table.qualified(), operation, e);
        }
    }

    private <T> T inTransactionOnce(String operation, Transactions.SqlWork<T> work) {
        try {
            return Transactions.inTransaction(dataSource, work);
        } catch (SQLException e) {
            throw StoreErrors.translate(dialect, table.qualified(), operation, e);
        }
    }
}
