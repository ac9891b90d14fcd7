package dev.mailroom.ledger;

import dev.mailroom.jdbc.StoreException;
import dev.mailroom.jdbc.StoreUnavailableException;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.internal.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Runs the ledger's statements over JDBC. {@link #insert} joins the caller's transaction; every
 * other call is one short transaction of its own, and every state change in it commits with its
 * audit row. Database errors are classified by SQL state through the dialect.
 */
final class LedgerStore {

    /** The actor of automatic changes, and {@code resolved_by} of items their executor fixed. */
    static final String SYSTEM = "system";
    /** Rows per multi-row insert (7 parameters each, well under the driver's 32,767). */
    static final int INSERT_CHUNK = 500;

    /** An item's new state after a change, with what the counters need. */
    record Moved(long id, LedgerState state, String operationType) {
    }

    /** An item's state and version, read to explain why a guarded change did not apply. */
    record StateAndVersion(LedgerState state, long version) {
    }

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final String table;
    private final LedgerSql sql;

    LedgerStore(DataSource dataSource, SqlDialect dialect, LedgerTables tables) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.table = tables.items().qualified();
        this.sql = LedgerSql.forDialect(dialect, tables);
    }

    LedgerSql sql() {
        return sql;
    }

    /** Inserts in the caller's transaction (one statement per {@value #INSERT_CHUNK} items); returns the ids in order. */
    List<Long> insert(Connection transaction, List<FailedItem> items, int maxAttempts, String createdBy) {
        List<Long> ids = new ArrayList<>(items.size());
        try {
            for (int from = 0; from < items.size(); from += INSERT_CHUNK) {
                List<FailedItem> chunk = items.subList(from, Math.min(items.size(), from + INSERT_CHUNK));
                List<Object> parameters = new ArrayList<>(chunk.size() * 7);
                for (FailedItem item : chunk) {
                    Collections.addAll(parameters, item.batchId(), item.operationType(), item.itemIndex(),
                            item.payloadJson(), LedgerInput.reason(item.reason()), maxAttempts, createdBy);
                }
                List<Long> chunkIds = new ArrayList<>(chunk.size());
                try (PreparedStatement insert = transaction.prepareStatement(sql.insert(chunk.size()))) {
                    bind(insert, parameters.toArray());
                    try (ResultSet rs = insert.executeQuery()) {
                        while (rs.next()) {
                            chunkIds.add(rs.getLong(1));
                        }
                    }
                }
                Collections.sort(chunkIds);   // identities are drawn in VALUES order
                ids.addAll(chunkIds);
            }
            return ids;
        } catch (SQLException e) {
            throw translate("record", e);
        }
    }

    List<LedgerItem> claimDue(String owner, Duration lease, int limit) {
        List<LedgerItem> items = query("claim", sql.claimDue(), owner, lease.toMillis(), limit);
        items.sort(Comparator.comparingLong(LedgerItem::id));
        return items;
    }

    List<LedgerItem> claimBatch(String owner, Duration lease, String batchId, int afterIndex, long afterId, int limit) {
        List<LedgerItem> items = query("claim batch", sql.claimBatch(), owner, lease.toMillis(), batchId, afterIndex,
                afterId, limit);
        items.sort(Comparator.comparingInt(LedgerItem::itemIndex).thenComparingLong(LedgerItem::id));
        return items;
    }

    /** Gives back leases of items claimed but not run; no state change, no attempt counted. */
    int release(String owner, List<LedgerItem> items) {
        if (items.isEmpty()) {
            return 0;
        }
        return inTransaction("release", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql.release())) {
                statement.setArray(1, connection.createArrayOf("bigint",
                        items.stream().map(LedgerItem::id).toArray(Long[]::new)));
                statement.setArray(2, connection.createArrayOf("bigint",
                        items.stream().map(LedgerItem::version).toArray(Long[]::new)));
                statement.setString(3, owner);
                return statement.executeUpdate();
            }
        });
    }

    Optional<Moved> resolveLeased(LedgerItem item, String owner, String notes) {
        return change("resolve", sql.resolveLeased(), item.id(), notes, owner, item.version(), SYSTEM, notes);
    }

    Optional<Moved> failLeased(LedgerItem item, String owner, String reason, long delayMillis, String auditNotes) {
        return change("record failure", sql.failLeased(), item.id(), reason, delayMillis, owner, item.version(), SYSTEM,
                auditNotes);
    }

    Optional<Moved> manualLeased(LedgerItem item, String owner, String reason) {
        return change("escalate", sql.manualLeased(), item.id(), reason, owner, item.version(), SYSTEM, reason);
    }

    /** Returns expired leases, counting each lost run as an attempt. */
    List<Moved> reclaimExpired(int limit) {
        return inTransaction("reclaim expired leases", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql.reclaimExpired())) {
                bind(statement, limit, SYSTEM);
                return moved(statement);
            }
        });
    }

    /** An operator's guarded change; parameters as the statement documents. */
    Optional<Moved> operatorChange(String statementSql, Object... parameters) {
        return change("operator change", statementSql, parameters);
    }

    Optional<StateAndVersion> statusAndVersion(long id) {
        return inTransaction("read version", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql.statusAndVersion())) {
                statement.setLong(1, id);
                try (ResultSet rs = statement.executeQuery()) {
                    return rs.next() ? Optional.of(new StateAndVersion(LedgerState.fromDbValue(rs.getString(1)),
                            rs.getLong(2))) : Optional.empty();
                }
            }
        });
    }

    List<LedgerItem> list(LedgerFilter filter) {
        List<Object> parameters = new ArrayList<>();
        if (filter.batchId() != null) {
            parameters.add(filter.batchId());
        }
        if (filter.state() != null) {
            parameters.add(filter.state().dbValue());
        }
        if (filter.operationType() != null) {
            parameters.add(filter.operationType());
        }
        parameters.add(filter.afterId());
        parameters.add(filter.limit());
        return query("list", sql.list(filter.batchId() != null, filter.state() != null, filter.operationType() != null),
                parameters.toArray());
    }

    Optional<LedgerItem> find(long id) {
        return query("find", sql.find(), id).stream().findFirst();
    }

    List<AuditEntry> audit(long id) {
        return inTransaction("audit", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql.audit())) {
                statement.setLong(1, id);
                List<AuditEntry> entries = new ArrayList<>();
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        entries.add(LedgerRowMapper.audit(rs));
                    }
                }
                return entries;
            }
        });
    }

    private Optional<Moved> change(String operation, String statementSql, Object... parameters) {
        return inTransaction(operation, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(statementSql)) {
                bind(statement, parameters);
                return moved(statement).stream().findFirst();
            }
        });
    }

    private static List<Moved> moved(PreparedStatement statement) throws SQLException {
        List<Moved> moved = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                moved.add(new Moved(rs.getLong(1), LedgerState.fromDbValue(rs.getString(2)), rs.getString(3)));
            }
        }
        return moved;
    }

    private List<LedgerItem> query(String operation, String statementSql, Object... parameters) {
        return inTransaction(operation, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(statementSql)) {
                bind(statement, parameters);
                List<LedgerItem> items = new ArrayList<>();
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        items.add(LedgerRowMapper.item(rs));
                    }
                }
                return items;
            }
        });
    }

    private static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            if (parameters[i] == null) {
                statement.setNull(i + 1, Types.VARCHAR);
            } else {
                statement.setObject(i + 1, parameters[i]);
            }
        }
    }

    private <T> T inTransaction(String operation, Transactions.SqlWork<T> work) {
        try {
            return Transactions.inTransactionRetryingConflicts(dataSource, dialect, work);
        } catch (SQLException e) {
            throw translate(operation, e);
        }
    }

    private StoreException translate(String operation, SQLException e) {
        return switch (dialect.classify(e)) {
            case UNAVAILABLE -> new StoreUnavailableException("ledger " + operation + " failed: database unavailable",
                    table, e);
            case UNDEFINED_TABLE -> new LedgerTableMissingException(table, e);
            default -> new StoreException("ledger " + operation + " failed", table, e);
        };
    }
}
