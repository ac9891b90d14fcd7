package dev.mailroom.ledger;

import dev.mailroom.jdbc.StoreException;
import dev.mailroom.jdbc.StoreUnavailableException;
import dev.mailroom.jdbc.TransactionConflictException;
import dev.mailroom.jdbc.dialect.RelayTransaction;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.internal.Transactions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Runs the ledger's operations over JDBC. {@link #insert} joins the caller's transaction; every
 * other call is one short transaction of its own, and every state change in it commits with its
 * audit row. Database errors are classified by SQL state and vendor code through the dialect.
 */
final class LedgerStore {

    /** The actor of automatic changes, and {@code resolved_by} of items their executor fixed. */
    static final String SYSTEM = "system";
    /** Rows per multi-row insert (7 parameters each, well under the drivers' limits). */
    static final int INSERT_CHUNK = 500;
    /**
     * The session of the ledger's own transactions: what a relay transaction has without its
     * timeouts (MariaDB: {@code READ COMMITTED}, so a claim's locking read locks only the items it
     * returns, not the gaps a caller's {@code record} inserts into).
     */
    private static final RelayTransaction OWN_TRANSACTION = new RelayTransaction(false, false, null);

    /** An item's new state after a change, with what the counters need. */
    record Moved(long id, LedgerState state, String operationType) {
    }

    /** An item's state and version, read to explain why a guarded change did not apply. */
    record StateAndVersion(LedgerState state, long version) {
    }

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final LedgerTables tables;
    private final LedgerOperations operations;

    LedgerStore(DataSource dataSource, SqlDialect dialect, LedgerTables tables) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.tables = tables;
        this.operations = LedgerOperations.of(dialect, tables);
    }

    /** Inserts in the caller's transaction ({@value #INSERT_CHUNK} items per multi-row insert); returns the ids in order. */
    List<Long> insert(Connection transaction, List<FailedItem> items, int maxAttempts, String createdBy) {
        List<Long> ids = new ArrayList<>(items.size());
        try {
            for (int from = 0; from < items.size(); from += INSERT_CHUNK) {
                List<FailedItem> chunk = items.subList(from, Math.min(items.size(), from + INSERT_CHUNK));
                ids.addAll(operations.insert(transaction, chunk, maxAttempts, createdBy));
            }
            return ids;
        } catch (SQLException e) {
            throw translate("record", e);
        }
    }

    List<LedgerItem> claimDue(String owner, Duration lease, int limit) {
        List<LedgerItem> items = new ArrayList<>(inTransaction("claim",
                connection -> operations.claimDue(connection, owner, lease, limit)));
        items.sort(Comparator.comparingLong(LedgerItem::id));
        return items;
    }

    List<LedgerItem> claimBatch(String owner, Duration lease, String batchId, int afterIndex, long afterId, int limit) {
        List<LedgerItem> items = new ArrayList<>(inTransaction("claim batch",
                connection -> operations.claimBatch(connection, owner, lease, batchId, afterIndex, afterId, limit)));
        items.sort(Comparator.comparingInt(LedgerItem::itemIndex).thenComparingLong(LedgerItem::id));
        return items;
    }

    /** Gives back leases of items claimed but not run; no state change, no attempt counted. */
    int release(String owner, List<LedgerItem> items) {
        if (items.isEmpty()) {
            return 0;
        }
        return inTransaction("release", connection -> operations.release(connection, owner, items));
    }

    Optional<Moved> resolveLeased(LedgerItem item, String owner, String notes) {
        return change("resolve", new ItemChange(LedgerChange.RESOLVE_LEASED, item.id(), values(notes),
                lease(owner, item), SYSTEM, notes));
    }

    Optional<Moved> failLeased(LedgerItem item, String owner, String reason, long delayMillis, String auditNotes) {
        return change("record failure", new ItemChange(LedgerChange.FAIL_LEASED, item.id(), values(reason, delayMillis),
                lease(owner, item), SYSTEM, auditNotes));
    }

    Optional<Moved> manualLeased(LedgerItem item, String owner, String reason) {
        return change("escalate", new ItemChange(LedgerChange.MANUAL_LEASED, item.id(), values(reason),
                lease(owner, item), SYSTEM, reason));
    }

    /** Returns expired leases, counting each lost run as an attempt. */
    List<Moved> reclaimExpired(int limit) {
        return inTransaction("reclaim expired leases", connection -> operations.reclaimExpired(connection, limit, SYSTEM));
    }

    /** Operator retry-now, fenced on the expected version. */
    Optional<Moved> retryNow(long id, long expectedVersion, String who, String notes) {
        return byOperator(LedgerChange.RETRY_NOW, id, expectedVersion, values(), who, notes);
    }

    /** Operator resolve, fenced on the expected version; {@code who} is also {@code resolved_by}. */
    Optional<Moved> resolve(long id, long expectedVersion, String who, String notes) {
        return byOperator(LedgerChange.RESOLVE, id, expectedVersion, values(who, notes), who, notes);
    }

    /** Operator abandon, as {@link #resolve}. */
    Optional<Moved> abandon(long id, long expectedVersion, String who, String notes) {
        return byOperator(LedgerChange.ABANDON, id, expectedVersion, values(who, notes), who, notes);
    }

    Optional<StateAndVersion> statusAndVersion(long id) {
        return inTransaction("read version", connection -> operations.statusAndVersion(connection, id));
    }

    List<LedgerItem> list(LedgerFilter filter) {
        return inTransaction("list", connection -> operations.list(connection, filter));
    }

    Optional<LedgerItem> find(long id) {
        return inTransaction("find", connection -> operations.find(connection, id));
    }

    List<AuditEntry> audit(long id) {
        return inTransaction("audit", connection -> operations.audit(connection, id));
    }

    private static List<Object> lease(String owner, LedgerItem claimed) {
        return values(owner, claimed.version());
    }

    /** A parameter list that may hold nulls. */
    private static List<Object> values(Object... values) {
        return Arrays.asList(values);
    }

    private Optional<Moved> byOperator(LedgerChange kind, long id, long expectedVersion, List<Object> values, String who,
                                       String notes) {
        return change("operator change", new ItemChange(kind, id, values, values(expectedVersion), who, notes));
    }

    private Optional<Moved> change(String operation, ItemChange change) {
        return inTransaction(operation, connection -> operations.change(connection, change));
    }

    private <T> T inTransaction(String operation, Transactions.SqlWork<T> work) {
        try {
            return Transactions.inTransactionRetryingConflicts(dataSource, dialect,
                    connection -> dialect.beginRelayTransaction(connection, OWN_TRANSACTION), work);
        } catch (SQLException e) {
            throw translate(operation, e);
        }
    }

    private StoreException translate(String operation, SQLException e) {
        String table = tables.items().qualified();
        return switch (dialect.classify(e)) {
            case UNAVAILABLE -> new StoreUnavailableException("ledger " + operation + " failed: database unavailable",
                    table, e);
            case UNDEFINED_TABLE -> new LedgerTableMissingException(table, LedgerSchema.scriptsFolder(dialect), e);
            case CONFLICT -> new TransactionConflictException("ledger " + operation, table, e);
            default -> new StoreException("ledger " + operation + " failed", table, e);
        };
    }
}
