package dev.mailroom.jdbc.store;

import dev.mailroom.internal.Arguments;
import dev.mailroom.jdbc.dialect.OutboxOperations;
import dev.mailroom.jdbc.dialect.PartitionLeaseOperations;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.routing.TableName;
import dev.mailroom.state.OutboxState;
import java.sql.Connection;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The outbox table's state changes, each one short transaction guarded by the states the
 * {@link OutboxState state machine} allows it from, and by the lease owner for anything done under
 * a lease (a relay that wakes up after its lease expired changes nothing). No call holds a row
 * lock while doing I/O other than its own statements, except {@link #consume}, which by design
 * runs the caller's work under the row lock.
 *
 * <p>Time is the database's ({@code now()}, {@code UTC_TIMESTAMP(6)}), so relays on machines with skewed clocks agree.
 */
public final class OutboxStore {

    /** Longest {@code last_error} kept; longer errors are cut. */
    public static final int MAX_ERROR_LENGTH = 2000;
    public static final int DEFAULT_RETENTION_BATCH = 500;
    /** What {@link #lockOrNextDue} answers when due rows exist that another claimer holds: look again soon. */
    static final Duration HELD_ROWS_RECHECK = RowLocks.HELD_ROWS_RECHECK;

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final TableName table;
    private final RetryPolicy retryPolicy;
    private final boolean deletePublished;
    private final Set<String> keyHoldingTypes;
    private final StoreTransactions transactions;
    private final LeasedRows leased;
    private final RowLocks rowLocks;
    private final Consumption consumption;
    private final Maintenance maintenance;
    private final OutboxOperations operations;

    private OutboxStore(DataSource dataSource, SqlDialect dialect, TableName table, RetryPolicy retryPolicy,
                        boolean deletePublished, Set<String> keyHoldingTypes, StoreTransactions transactions) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.table = table;
        this.retryPolicy = retryPolicy;
        this.deletePublished = deletePublished;
        this.keyHoldingTypes = keyHoldingTypes;
        this.transactions = transactions;
        this.operations = dialect.outbox(table, keyHoldingTypes);
        this.leased = new LeasedRows(transactions, operations, retryPolicy, deletePublished);
        this.rowLocks = new RowLocks(transactions, operations, retryPolicy, deletePublished);
        this.consumption = new Consumption(transactions, operations);
        this.maintenance = new Maintenance(transactions, operations);
    }

    /**
     * A store for one outbox table with the default retry policy, in the dialect of the database
     * behind {@code dataSource} ({@link SqlDialect#detect}: one connection now; give the dialect to create a
     * store while the database is down).
     */
    public static OutboxStore create(DataSource dataSource, TableName table) {
        Arguments.requireNonNull(table, "table");
        return create(dataSource, SqlDialect.detect(dataSource), table, RetryPolicy.defaults());
    }

    public static OutboxStore create(DataSource dataSource, SqlDialect dialect, TableName table, RetryPolicy retry) {
        Arguments.requireNonNull(dataSource, "dataSource");
        Arguments.requireNonNull(dialect, "dialect");
        Arguments.requireNonNull(table, "table");
        Arguments.requireNonNull(retry, "retryPolicy");
        return new OutboxStore(dataSource, dialect, table, retry, false, Set.of(),
                new StoreTransactions(dataSource, dialect, table, false, null));
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
        return new OutboxStore(dataSource, dialect, table, retryPolicy, deletePublished, keyHoldingTypes,
                transactions.withAsynchronousCommit());
    }

    /**
     * The same store, deleting rows once their delivery is acknowledged instead of marking them
     * {@code published} (what Debezium's outbox pattern and gruelbox do): no history of delivered
     * events stays in the table, and a consumer sharing the database finds no row to mark consumed.
     * A delete writes far less than an update (no new row version, no index entries).
     */
    public OutboxStore withPublishedRowsDeleted() {
        return new OutboxStore(dataSource, dialect, table, retryPolicy, true, keyHoldingTypes, transactions);
    }

    /**
     * The same store, with every transaction of the relay's bookkeeping (claims, settlements, lease
     * changes, and the row-lock claim's transaction {@linkplain #lockOrNextDue kept open while its
     * batch is sent}) ended by the database once it has sat idle for {@code timeout}, or once one of
     * its statements has run that long (PostgreSQL {@code idle_in_transaction_session_timeout} and
     * {@code statement_timeout}, per transaction; MariaDB {@code idle_transaction_timeout} and
     * {@code max_statement_time}, for the transaction's session and put back after it). A relay that hangs (a stopped process, a long GC
     * pause, a frozen VM) then holds no row lock longer than {@code timeout} past its last statement;
     * the session is ended, so what the relay tries when it wakes fails and changes nothing. The
     * relay passes its lease plus its send timeout. Must exceed the longest a locked batch waits for its sends (the relay's
     * send timeout), or the database ends healthy batches. Publishing and consuming are never affected.
     */
    public OutboxStore withLockTimeout(Duration timeout) {
        if (timeout == null || timeout.toMillis() < 1) {
            throw new IllegalArgumentException("lock timeout must be at least 1 ms, was " + timeout);
        }
        return new OutboxStore(dataSource, dialect, table, retryPolicy, deletePublished, keyHoldingTypes,
                transactions.withLockTimeout(timeout));
    }

    /**
     * The same store, where a row of one of {@code eventTypes} that goes dead (attempts used up,
     * refused as poison, its lease expired at its last attempt) holds back the later rows of its key
     * ({@link dev.mailroom.routing.PoisonPolicy#HOLD_KEY}): key-ordered claims pass them by until an
     * operator skips the dead row (it stays dead, the key moves on) or replays it (it goes first).
     * A row holds its key only while its type is among the key-holding types of the store that
     * claims, so a route switched back to {@code CONTINUE} frees its keys. Costs one index probe per
     * claimed candidate, and only in a store with key-holding types.
     */
    public OutboxStore withKeysHeldByDeadEventsOf(Set<String> eventTypes) {
        Arguments.requireNonNull(eventTypes, "eventTypes");
        return new OutboxStore(dataSource, dialect, table, retryPolicy, deletePublished, Set.copyOf(eventTypes),
                transactions);
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
        return leased.claim(false, owner, limit, lease, false).rows();
    }

    /**
     * Like {@link #claim}, but hands out only the oldest undelivered row of each key (rows without a
     * key are not ordered). A key whose oldest row waits for a retry, or is leased to any relay,
     * yields nothing until that row is published or dead, so every key's rows reach the transport in
     * id order across all relays, while other keys go on.
     */
    public List<OutboxRow> claimInKeyOrder(String owner, int limit, Duration lease) {
        return leased.claim(true, owner, limit, lease, false).rows();
    }

    /**
     * What a relay's claim loop calls: claims like {@link #claimInKeyOrder} (or {@link #claim} when
     * {@code inKeyOrder} is false) and, when nothing was claimable, also answers {@link #nextDueIn()}
     * in the same transaction, so both read the same clock and no row can fall between them (due
     * too late for the claim, yet too early to count as waiting).
     */
    public ClaimResult claimOrNextDue(String owner, int limit, Duration lease, boolean inKeyOrder) {
        return leased.claim(inKeyOrder, owner, limit, lease, true);
    }

    /**
     * Claims by row lock instead of lease (see {@link LockedBatch}): locks up to {@code limit} due
     * pending rows, in key order like {@link #claimInKeyOrder} when {@code inKeyOrder}, and returns
     * them with the transaction still open. When nothing was claimable the transaction is already
     * finished and the batch answers {@link #nextDueIn()} instead. The caller must settle or close it.
     * Before it returns rows it records them in the table's claim journal ({@code <table>_claims}),
     * committed on a second pooled connection borrowed for that statement: a batch that is closed
     * unsettled, or whose holder dies or loses its connection, has its attempt counted by the next
     * claim (dead at max attempts), and each claim first counts such lost batches.
     */
    public LockedBatch lockOrNextDue(int limit, boolean inKeyOrder) {
        return rowLocks.lockOrNextDue(limit, inKeyOrder);
    }

    /**
     * The table's partition leases, where the database supports partition-leased claims (PostgreSQL).
     */
    public Optional<PartitionLeases> partitionLeases() {
        return operations.partitionLeases().map(leases -> new PartitionLeases(transactions, leases, partitionClaims(leases)));
    }

    /**
     * Claims within the partitions {@code owner} leases ({@code epochs}: partition to the epoch it holds
     * the lease at): among the {@code limit} oldest due pending rows of those partitions, passing by
     * {@code heldIds} and the keys {@code heldKeys} (what its batches in flight hold), the oldest of each
     * key, recorded in the claim journal under {@code owner}'s name. Changes, locks and keeps open
     * nothing else; see {@link PartitionBatch} for the settlement, fenced on the leases.
     */
    public PartitionBatch claimInPartitions(String owner, Map<Integer, Long> epochs, Collection<Long> heldIds,
                                            Collection<String> heldKeys, int limit) {
        PartitionLeaseOperations leases = operations.partitionLeases().orElseThrow(() -> new UnsupportedOperationException(
                "partition-leased claims are built for PostgreSQL only, not for " + dialect.name()));
        return partitionClaims(leases).claim(owner, epochs, heldIds, heldKeys, limit);
    }

    private PartitionClaims partitionClaims(PartitionLeaseOperations leases) {
        return new PartitionClaims(transactions, operations, leases, retryPolicy, deletePublished);
    }

    /** Marks leased rows published; rows no longer leased to {@code owner} are left alone. Returns the count changed. */
    public int markPublished(String owner, Collection<Long> ids) {
        return leased.markPublished(owner, ids);
    }

    /**
     * Records failed delivery attempts in one statement: attempts + 1, the error (cut to
     * {@value #MAX_ERROR_LENGTH} characters), the next attempt after the retry policy's backoff, and
     * {@code dead} once attempts reach the row's max attempts. Fenced on the lease owner and on the
     * attempts the row had when claimed. Returns the new state of each row that changed.
     */
    public Map<Long, OutboxState> markFailed(String owner, List<DeliveryFailure> failures) {
        return leased.markFailed(owner, failures);
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
        return leased.markDead(id, owner, reason);
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
        return consumption.consume(eventId, work);
    }

    /**
     * As {@link #consume(UUID, ConsumeCallback)}, but inside the caller's transaction on
     * {@code transaction} (no commit, no rollback): for a framework that runs the transaction itself
     * (Spring's transaction manager), so the work's other writes through that framework join it. The
     * row stays locked until the caller's transaction ends; if {@code work} throws, the caller must
     * roll back.
     */
    public ConsumeOutcome consume(Connection transaction, UUID eventId, ConsumeCallback work) {
        return consumption.consumeInCallersTransaction(transaction, eventId, work);
    }

    /**
     * Marks the row of {@code eventId} consumed inside the caller's transaction (no commit, no
     * rollback), for a consumer that shares this outbox's database: its handler's work, its inbox
     * record and this change commit together. Returns whether the row changed (false when it is
     * already final or missing).
     */
    public boolean markConsumed(Connection transaction, UUID eventId) {
        return consumption.markConsumedInCallersTransaction(transaction, eventId);
    }

    /**
     * Returns up to {@code limit} rows whose lease expired to {@code pending}, due at once. The lost
     * run counts as an attempt (it may have crashed the relay), so a row that keeps killing relays
     * ends {@code dead} instead of looping. Returns the number of rows reclaimed.
     */
    public int reclaimExpiredLeases(int limit) {
        return leased.reclaimExpiredLeases(limit);
    }

    /** Gives leased rows back to {@code pending} without counting an attempt (graceful shutdown). */
    public int release(String owner, Collection<Long> ids) {
        return leased.release(owner, ids);
    }

    /** Extends the leases {@code owner} still holds; returns how many it still held. */
    public int renewLeases(String owner, Collection<Long> ids, Duration lease) {
        return leased.renewLeases(owner, ids, lease);
    }

    /**
     * Deletes published, consumed and discarded rows last changed more than {@code age} ago,
     * {@code batchSize} rows per transaction so the relay is never blocked for long. Dead rows are
     * kept until an operator acts. Returns the number deleted.
     */
    public long deleteFinishedOlderThan(Duration age, int batchSize) {
        Arguments.requireNonNull(age, "age");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
        }
        return maintenance.deleteFinishedOlderThan(age, batchSize);
    }

    /**
     * One pass of retention with {@code keep} as the age: on a table of the time-partitioned layout
     * (PostgreSQL, {@link dev.mailroom.jdbc.schema.SchemaMigrator#migrateToTimePartitions}) it creates
     * the partitions ahead of now, drops every partition that ended more than {@code keep} ago after
     * moving its undelivered and dead rows to the default partition, and deletes delivered rows older
     * than {@code keep} from the default partition; on any other table it is
     * {@link #deleteFinishedOlderThan}. Relays with a retention age run it on a loop of their own.
     */
    public RetentionPass retain(Duration keep) {
        Arguments.requireNonNull(keep, "keep");
        return maintenance.retain(keep, DEFAULT_RETENTION_BATCH);
    }

    /**
     * Counts per state and the age of the oldest undelivered row. Counting the delivered states reads
     * the whole table, history included: for operators, not for a gauge polled every few seconds.
     */
    public OutboxCounts counts() {
        return maintenance.counts();
    }

    /**
     * Why the table's dead row versions are not removed automatically, or empty when they are. Every
     * delivered row leaves one behind (PostgreSQL updates by writing a new version), and so does every
     * row retention deletes; on PostgreSQL only (auto)vacuum removes them. Left in place, they grow the
     * table and its pending index, and every claim walks more of them. Present when the server runs
     * with {@code autovacuum = off} or {@code track_counts = off}, or the table was given
     * {@code autovacuum_enabled = false}.
     */
    public Optional<String> whyNotVacuumed() {
        return maintenance.whyNotVacuumed();
    }

    /** The undelivered rows and the age of the oldest, read from the pending and sending rows only. */
    public OutboxBacklog backlog() {
        return maintenance.backlog();
    }

    /**
     * How long until a row becomes claimable without a new insert: the earliest retry due in the
     * future, or the earliest lease expiry (zero when one has already expired). Empty when no row is
     * waiting. A relay with nothing to claim sleeps this long (capped by its fallback poll).
     */
    public Optional<Duration> nextDueIn() {
        return maintenance.nextDueIn();
    }

    /** The row of an id, if there is one. */
    public Optional<OutboxRow> find(long id) {
        return maintenance.find(id);
    }

    /** The row of an event id, if there is one. */
    public Optional<OutboxRow> find(UUID eventId) {
        return maintenance.find(eventId);
    }
}
