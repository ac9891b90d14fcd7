package dev.mailroom.ledger;

import dev.mailroom.internal.Arguments;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.retry.RetryPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Records the items a batch operation could not process, retries them in the background with the
 * executor registered for their operation type, and hands what cannot be fixed automatically to an
 * operator, who resolves or abandons it. Every change bumps the item's version and writes an audit
 * row in the same transaction (on PostgreSQL in the same statement). Works on PostgreSQL and
 * MariaDB, the dialect read from the data source unless given. Thread-safe and immutable once built.
 *
 * <pre>{@code
 * CompensationLedger ledger = CompensationLedger.builder(dataSource)
 *     .executor("price.import", item -> priceService.importOne(item.payloadJson()))
 *     .build();
 * ledger.migrate();                                    // opt-in
 * try (LedgerWorker worker = ledger.startWorker()) { ... }
 * // inside the batch's transaction:
 * ledger.record(tx, "import-2026-11-24", "price.import", 17, "{\"sku\":\"A-1\"}", "supplier timeout");
 * }</pre>
 */
public final class CompensationLedger {

    public static final String DEFAULT_TABLE = LedgerSchema.DEFAULT_TABLE;
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    public static final int DEFAULT_BATCH_SIZE = 50;
    public static final Duration DEFAULT_LEASE = Duration.ofMinutes(5);
    public static final Duration DEFAULT_IDLE_WAIT = Duration.ofSeconds(1);

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final LedgerTables tables;
    private final LedgerStore store;
    private final ItemRuns runs;
    private final OperatorChanges operator;
    private final int maxAttempts;
    private final int batchSize;
    private final Duration idleWait;

    private CompensationLedger(Builder builder, SqlDialect dialect, LedgerTables tables) {
        LedgerMetrics metrics = builder.meterRegistry == null ? LedgerMetrics.NOOP
                : new MicrometerLedgerMetrics(builder.meterRegistry);
        this.dataSource = builder.dataSource;
        this.dialect = dialect;
        this.tables = tables;
        this.store = new LedgerStore(dataSource, dialect, tables);
        this.runs = new ItemRuns(store, builder.executors, builder.retryPolicy, metrics, builder.lease, System::nanoTime);
        this.operator = new OperatorChanges(store, metrics);
        this.maxAttempts = builder.retryPolicy.maxAttempts();
        this.batchSize = builder.batchSize;
        this.idleWait = builder.idleWait;
    }

    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** Creates or upgrades the ledger and audit tables (see {@link LedgerSchema}); returns the versions applied now. */
    public List<Integer> migrate() {
        return LedgerSchema.migrate(dataSource, dialect, tables);
    }

    /**
     * Records one failed item in the caller's transaction: one statement on PostgreSQL, three on
     * MariaDB (insert, ids read back, audit row); never commits or rolls back a transaction of the
     * caller's, so the item exists exactly when the caller's transaction commits (with auto-commit
     * on, MariaDB's statements run in one transaction of their own). Returns its id. The reason is
     * cut to 1,000 characters.
     *
     * @throws InvalidLedgerItemException for a blank batch id or operation type (or one over 255
     *                                    characters), a negative index, or a payload that is not one
     *                                    JSON value every supported database stores as it means;
     *                                    checked before any statement is sent, so nothing is written
     *                                    and the transaction stays usable
     */
    public long record(Connection transaction, String batchId, String operationType, int itemIndex, String payloadJson,
                       String reason) {
        return recordAll(transaction, List.of(new FailedItem(batchId, operationType, itemIndex, payloadJson, reason)),
                null).get(0);
    }

    /**
     * Records many items in the caller's transaction with multi-row inserts (one statement, so one
     * round trip, per 500 items on PostgreSQL; three on MariaDB); returns their ids in order. Every
     * item is checked before anything is written: one bad item and none is recorded. {@code createdBy} (nullable) is kept with each
     * item and is the actor of its first audit row.
     */
    public List<Long> recordAll(Connection transaction, List<FailedItem> items, String createdBy) {
        Arguments.requireNonNull(transaction, "transaction");
        items.forEach(LedgerInput::check);
        if (createdBy != null) {
            LedgerInput.checkOperator(createdBy, null, false);
        }
        return items.isEmpty() ? List.of() : store.insert(transaction, items, maxAttempts, createdBy);
    }

    /** Starts a background worker with a generated lease owner id ({@code pid@host-random}); close it to stop. */
    public LedgerWorker startWorker() {
        return startWorker(ManagementFactory.getRuntimeMXBean().getName() + "-" + UUID.randomUUID().toString()
                .substring(0, 8));
    }

    /** Starts a background worker claiming as {@code owner}, which must be unique among running workers. */
    public LedgerWorker startWorker(String owner) {
        if (owner == null || owner.isBlank() || owner.length() > LedgerInput.MAX_ACTOR_LENGTH) {
            throw new IllegalArgumentException("worker owner id must be 1 to " + LedgerInput.MAX_ACTOR_LENGTH
                    + " characters, was '" + owner + "'");
        }
        return new LedgerWorker(runs, owner, batchSize, idleWait).start();
    }

    /**
     * Retries one batch's open items ({@code pending} and {@code retrying}) now, due or not, in this
     * thread and in item order, each at most once; returns what happened. Costs one claim statement
     * per batch size of items and one update per item, plus the executors' time. Items a worker holds
     * (or held when it died) are left to the workers and not counted; {@code manual_required} items are
     * left to operators.
     */
    public BatchResult processBatch(String batchId) {
        LedgerInput.checkBatchId(batchId);
        return runs.runBatch(batchId, "batch-" + UUID.randomUUID(), batchSize);
    }

    /** Items matching the filter, oldest first: one query. */
    public List<LedgerItem> list(LedgerFilter filter) {
        return store.list(Arguments.requireNonNull(filter, "filter"));
    }

    /** One item, with the version an operator change must name: one query. */
    public Optional<LedgerItem> find(long id) {
        return store.find(id);
    }

    /** Every change of an item, oldest first (its recording included): one query. */
    public List<AuditEntry> auditTrail(long id) {
        return store.audit(id);
    }

    /**
     * Back to {@code pending} now, attempts kept (from {@code retrying} or {@code manual_required}).
     * Each operator change runs in its own transaction (one statement on PostgreSQL), fenced on
     * {@code expectedVersion}, that bumps the version and writes an audit row; returns the new state.
     *
     * @throws StaleVersionException            the item changed since that version; nothing changed
     * @throws IllegalLedgerTransitionException the item's state does not allow the move; nothing changed
     * @throws LedgerItemNotFoundException      no such item
     * @throws InvalidLedgerItemException       blank {@code who}, or notes over 2,000 characters
     */
    public LedgerState retryNow(long id, long expectedVersion, String who, String notes) {
        return operator.retryNow(id, expectedVersion, who, notes);
    }

    /** Marks the item fixed by hand ({@code resolved_by} = who); notes are required. As {@link #retryNow}. */
    public LedgerState resolve(long id, long expectedVersion, String who, String notes) {
        return operator.resolve(id, expectedVersion, who, notes);
    }

    /** Gives the item up ({@code resolved_by} = who); notes say why and are required. As {@link #retryNow}. */
    public LedgerState abandon(long id, long expectedVersion, String who, String notes) {
        return operator.abandon(id, expectedVersion, who, notes);
    }

    /** Settings with the {@code DEFAULT_*} values; checked at {@link #build()}. */
    public static final class Builder {

        private final DataSource dataSource;
        private final Map<String, ItemExecutor> executors = new HashMap<>();
        private SqlDialect dialect;
        private String table = DEFAULT_TABLE;
        private RetryPolicy retryPolicy = RetryPolicy.builder().maxAttempts(DEFAULT_MAX_ATTEMPTS).build();
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Duration lease = DEFAULT_LEASE;
        private Duration idleWait = DEFAULT_IDLE_WAIT;
        private Object meterRegistry;

        private Builder(DataSource dataSource) {
            this.dataSource = Arguments.requireNonNull(dataSource, "dataSource");
        }

        /** The executor retrying items of one operation type; one per type. */
        public Builder executor(String operationType, ItemExecutor executor) {
            if (operationType == null || operationType.isBlank()) {
                throw new IllegalArgumentException("executor operation type must not be blank");
            }
            if (executors.putIfAbsent(operationType, Arguments.requireNonNull(executor, "executor")) != null) {
                throw new IllegalArgumentException("an executor for '" + operationType + "' is already registered");
            }
            return this;
        }

        /** The ledger table, optionally {@code schema.table} (default {@value #DEFAULT_TABLE}); its audit table is {@code <table>_audit}. */
        public Builder table(String table) {
            this.table = table;
            return this;
        }

        /**
         * The database's dialect; without one, {@link #build()} reads it from the data source
         * ({@link SqlDialect#detect}: one connection), so give it to build a ledger while the database is down.
         */
        public Builder dialect(SqlDialect dialect) {
            this.dialect = Arguments.requireNonNull(dialect, "dialect");
            return this;
        }

        /** Backoff between attempts, and attempts before an item needs an operator (default {@value #DEFAULT_MAX_ATTEMPTS}). */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Arguments.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /** Items claimed at once by a worker pass or a {@code processBatch} round (default {@value #DEFAULT_BATCH_SIZE}, 1 to 1000). */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * How long a claim holds its items (default 5 min, at least 1 s). An item is started only in the
         * first half of its claim's lease, so an executor has at least half the lease to finish.
         */
        public Builder lease(Duration lease) {
            this.lease = lease;
            return this;
        }

        /** How long an idle worker waits before looking again (default 1 s); retries come due within it. */
        public Builder idleWait(Duration idleWait) {
            this.idleWait = idleWait;
            return this;
        }

        /** Counts moves per operation type in this registry; without one, no Micrometer class is touched. */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = meterRegistry;
            return this;
        }

        public CompensationLedger build() {
            if (batchSize < 1 || batchSize > 1000) {
                throw new IllegalArgumentException("batchSize must be between 1 and 1000, was " + batchSize);
            }
            if (lease == null || lease.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("lease must be at least 1 s, was " + lease);
            }
            if (idleWait == null || idleWait.toMillis() < 1) {
                throw new IllegalArgumentException("idleWait must be at least 1 ms, was " + idleWait);
            }
            LedgerTables tables = LedgerTables.of(table);
            return new CompensationLedger(this, dialect != null ? dialect : SqlDialect.detect(dataSource), tables);
        }
    }
}
