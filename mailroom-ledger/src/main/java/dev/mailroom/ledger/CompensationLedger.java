package dev.mailroom.ledger;

import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.schema.SchemaMigrator;
import dev.mailroom.loop.LeaseOwners;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.routing.TableName;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Records the items a batch operation could not process, retries them in the background with the
 * executor registered for their operation type, and hands what cannot be fixed automatically to an
 * operator, who resolves or abandons it. Every change is versioned and audited.
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

    public static final String DEFAULT_TABLE = "mailroom_ledger";
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    public static final int DEFAULT_BATCH_SIZE = 50;
    public static final Duration DEFAULT_LEASE = Duration.ofMinutes(5);
    public static final Duration DEFAULT_IDLE_WAIT = Duration.ofSeconds(1);

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final TableName table;
    private final TableName auditTable;
    private final LedgerStore store;
    private final LedgerSql sql;
    private final ItemRuns runs;
    private final LedgerMetrics metrics;
    private final int maxAttempts;
    private final int batchSize;
    private final Duration lease;
    private final Duration idleWait;

    private CompensationLedger(Builder builder) {
        this.dataSource = builder.dataSource;
        this.dialect = builder.dialect;
        this.table = TableName.of(builder.table);
        this.auditTable = TableName.of(builder.table + "_audit");
        this.sql = new PostgresLedgerSql(table, auditTable);
        this.store = new LedgerStore(dataSource, dialect, table, sql);
        this.metrics = builder.meterRegistry == null ? LedgerMetrics.NOOP : new MicrometerLedgerMetrics(builder.meterRegistry);
        this.runs = new ItemRuns(store, Map.copyOf(builder.executors), builder.retryPolicy, metrics);
        this.maxAttempts = builder.retryPolicy.maxAttempts();
        this.batchSize = builder.batchSize;
        this.lease = builder.lease;
        this.idleWait = builder.idleWait;
    }

    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** Creates or upgrades the ledger and audit tables (versioned scripts, safe to run twice or concurrently). */
    public List<Integer> migrate() {
        return new SchemaMigrator(dataSource, dialect).migrateScripts("ledger:" + table.qualified(),
                "dev/mailroom/db/" + dialect.name() + "/ledger/",
                Map.of("table", table.qualified(), "table_name", table.name(), "audit", auditTable.qualified()));
    }

    /**
     * Records one failed item in the caller's transaction (never commits or rolls back); returns its id.
     *
     * @throws InvalidLedgerItemException for a blank batch id or operation type, a negative index, or a
     *                                    payload that is not JSON; nothing is written
     */
    public long record(Connection transaction, String batchId, String operationType, int itemIndex, String payloadJson,
                       String reason) {
        return recordAll(transaction, List.of(new FailedItem(batchId, operationType, itemIndex, payloadJson, reason)),
                null).get(0);
    }

    /** Records many items with multi-row inserts; all are checked before anything is written. */
    public List<Long> recordAll(Connection transaction, List<FailedItem> items, String createdBy) {
        items.forEach(LedgerInput::check);
        return store.insert(transaction, items, maxAttempts, createdBy);
    }

    /** Starts a background worker with its own lease owner id; close it to stop. */
    public LedgerWorker startWorker() {
        return startWorker(defaultOwner());
    }

    public LedgerWorker startWorker(String owner) {
        return new LedgerWorker(store, runs, owner, batchSize, lease, idleWait).start();
    }

    /**
     * Retries one batch's open items now, due or not, in this thread; items another worker holds
     * are left to it. Returns what happened.
     */
    public BatchResult processBatch(String batchId) {
        LedgerInput.check(new FailedItem(batchId, "any", 0, "{}", null));
        String owner = defaultOwner();
        int total = 0;
        int resolved = 0;
        int retrying = 0;
        int manual = 0;
        int failedToUpdate = 0;
        List<LedgerItem> items;
        do {
            items = store.claimBatch(owner, lease, batchId, batchSize);
            for (LedgerItem item : items) {
                total++;
                Optional<LedgerState> outcome = runs.run(item, owner);
                if (outcome.isEmpty()) {
                    failedToUpdate++;
                } else {
                    switch (outcome.get()) {
                        case RESOLVED -> resolved++;
                        case MANUAL_REQUIRED -> manual++;
                        default -> retrying++;
                    }
                }
            }
        } while (items.size() == batchSize);
        return new BatchResult(total, resolved, retrying, manual, failedToUpdate);
    }

    public List<LedgerItem> list(LedgerFilter filter) {
        return store.list(filter);
    }

    public Optional<LedgerItem> find(long id) {
        return store.find(id);
    }

    /** Every change of an item, oldest first. */
    public List<AuditEntry> auditTrail(long id) {
        return store.audit(id);
    }

    /** Back to {@code pending} now, attempts kept; fenced on {@code expectedVersion}. */
    public LedgerState retryNow(long id, long expectedVersion, String who, String notes) {
        LedgerInput.checkActor(who, notes);
        return operatorChange(id, expectedVersion, LedgerState.PENDING,
                store.operatorChange(sql.retryNow(), id, expectedVersion, who, notes));
    }

    /** Marks the item fixed by hand; fenced on {@code expectedVersion}. */
    public LedgerState resolve(long id, long expectedVersion, String who, String notes) {
        LedgerInput.checkActor(who, notes);
        return operatorChange(id, expectedVersion, LedgerState.RESOLVED,
                store.operatorChange(sql.resolve(), id, who, notes, expectedVersion, who, notes));
    }

    /** Gives the item up, with the reason; fenced on {@code expectedVersion}. */
    public LedgerState abandon(long id, long expectedVersion, String who, String notes) {
        LedgerInput.checkActor(who, notes);
        return operatorChange(id, expectedVersion, LedgerState.ABANDONED,
                store.operatorChange(sql.abandon(), id, who, notes, expectedVersion, who, notes));
    }

    private LedgerState operatorChange(long id, long expectedVersion, LedgerState target, Optional<LedgerState> result) {
        if (result.isPresent()) {
            metrics.moved(find(id).map(LedgerItem::operationType).orElse("unknown"), target);
            return result.get();
        }
        LedgerStore.StateAndVersion current = store.statusAndVersion(id)
                .orElseThrow(() -> new LedgerItemNotFoundException(id));
        if (current.version() != expectedVersion) {
            throw new StaleVersionException(id, expectedVersion, current.version());
        }
        throw new IllegalLedgerTransitionException(id, current.state(), target);
    }

    private static String defaultOwner() {
        return LeaseOwners.newOwnerId();
    }

    /** Settings with the {@code DEFAULT_*} values; checked at {@link #build()}. */
    public static final class Builder {

        private final DataSource dataSource;
        private final Map<String, ItemExecutor> executors = new HashMap<>();
        private SqlDialect dialect = SqlDialect.postgresql();
        private String table = DEFAULT_TABLE;
        private RetryPolicy retryPolicy = RetryPolicy.builder().maxAttempts(DEFAULT_MAX_ATTEMPTS).build();
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Duration lease = DEFAULT_LEASE;
        private Duration idleWait = DEFAULT_IDLE_WAIT;
        private MeterRegistry meterRegistry;

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /** The executor retrying items of one operation type. */
        public Builder executor(String operationType, ItemExecutor executor) {
            executors.put(Objects.requireNonNull(operationType, "operationType"), Objects.requireNonNull(executor));
            return this;
        }

        /** The ledger table (default {@value #DEFAULT_TABLE}); its audit table is {@code <table>_audit}. */
        public Builder table(String table) {
            this.table = table;
            return this;
        }

        public Builder dialect(SqlDialect dialect) {
            this.dialect = Objects.requireNonNull(dialect, "dialect");
            return this;
        }

        /** Backoff between attempts, and attempts before an item needs an operator (default 5). */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** How long a worker holds an item it runs; an executor must finish well within it (default 5 min). */
        public Builder lease(Duration lease) {
            this.lease = lease;
            return this;
        }

        /** How long an idle worker waits before looking again (default 1 s). */
        public Builder idleWait(Duration idleWait) {
            this.idleWait = idleWait;
            return this;
        }

        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = meterRegistry;
            return this;
        }

        public CompensationLedger build() {
            if (!dialect.name().equals("postgresql")) {
                throw new IllegalArgumentException("the ledger has statements for PostgreSQL only so far, not "
                        + dialect.name());
            }
            if (batchSize < 1 || batchSize > 1000) {
                throw new IllegalArgumentException("batchSize must be between 1 and 1000, was " + batchSize);
            }
            if (lease == null || lease.toMillis() < 10) {
                throw new IllegalArgumentException("lease must be at least 10 ms, was " + lease);
            }
            if (idleWait == null || idleWait.toMillis() < 1) {
                throw new IllegalArgumentException("idleWait must be at least 1 ms, was " + idleWait);
            }
            TableName.of(table);
            return new CompensationLedger(this);
        }
    }
}
