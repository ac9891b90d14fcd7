package dev.mailroom.ledger;

import dev.mailroom.jdbc.StoreException;
import dev.mailroom.jdbc.StoreUnavailableException;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.dialect.SqlErrorKind;
import dev.mailroom.jdbc.internal.Transactions;
import dev.mailroom.routing.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** The ledger table's statements run over JDBC; every state change commits with its audit row. */
final class LedgerStore {

    static final String SYSTEM = "system";

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final String table;
    private final LedgerSql sql;

    LedgerStore(DataSource dataSource, SqlDialect dialect, TableName table, LedgerSql sql) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.table = table.qualified();
        this.sql = sql;
    }

    /** Inserts in the caller's transaction; returns the new ids. */
    List<Long> insert(Connection transaction, List<FailedItem> items, int maxAttempts, String createdBy) {
        List<Long> ids = new ArrayList<>();
        try {
            for (int from = 0; from < items.size(); from += 500) {
                List<FailedItem> chunk = items.subList(from, Math.min(items.size(), from + 500));
                try (PreparedStatement insert = transaction.prepareStatement(sql.insert(chunk.size()))) {
                    int index = 1;
                    for (FailedItem item : chunk) {
                        insert.setString(index++, item.batchId());
                        insert.setString(index++, item.operationType());
                        insert.setInt(index++, item.itemIndex());
                        insert.setString(index++, item.payloadJson());
                        insert.setString(index++, item.reason());
                        insert.setInt(index++, maxAttempts);
                        if (createdBy == null) {
                            insert.setNull(index++, Types.VARCHAR);
                        } else {
                            insert.setString(index++, createdBy);
                        }
                    }
                    try (ResultSet rs = insert.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getLong(1));
                        }
                    }
                }
            }
            return ids;
        } catch (SQLException e) {
            throw translate("record", e);
        }
    }

    List<LedgerItem> claimDue(String owner, Duration lease, int limit) {
        return query("claim", sql.claimDue(), owner, lease.toMillis(), limit);
    }

    List<LedgerItem> claimBatch(String owner, Duration lease, String batchId, int limit) {
        return query("claim batch", sql.claimBatch(), owner, lease.toMillis(), batchId, limit);
    }

    Optional<LedgerState> resolveLeased(long id, String owner, String notes) {
        return change("resolve", sql.resolveLeased(), id, notes, owner, SYSTEM, notes);
    }

    Optional<LedgerState> failLeased(long id, String owner, String reason, long delayMillis) {
        return change("record failure", sql.failLeased(), id, reason, delayMillis, owner, SYSTEM, "attempt failed");
    }

    Optional<LedgerState> manualLeased(long id, String owner, String reason) {
        return change("escalate", sql.manualLeased(), id, reason, owner, SYSTEM, reason);
    }

    int reclaimExpired(int limit) {
        return inTransaction("reclaim expired leases", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql.reclaimExpired())) {
                statement.setInt(1, limit);
                statement.setString(2, SYSTEM);
                int changed = 0;
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        changed++;
                    }
                }
                return changed;
            }
        });
    }

    Optional<LedgerState> operatorChange(String statementSql, Object... parameters) {
        return change("operator change", statementSql, parameters);
    }

    /** An item's state and version, read to explain why a guarded change did not apply. */
    record StateAndVersion(LedgerState state, long version) {
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
        String state = filter.state() == null ? null : filter.state().dbValue();
        return query("list", sql.list(), filter.batchId(), filter.batchId(), state, state, filter.operationType(),
                filter.operationType(), filter.limit());
    }

    Optional<LedgerItem> find(long id) {
        List<LedgerItem> items = query("find", sql.find(), id);
        return items.isEmpty() ? Optional.empty() : Optional.of(items.get(0));
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

    private Optional<LedgerState> change(String operation, String statementSql, Object... parameters) {
        return inTransaction(operation, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(statementSql)) {
                bind(statement, parameters);
                try (ResultSet rs = statement.executeQuery()) {
                    return rs.next() ? Optional.of(LedgerState.fromDbValue(rs.getString(2))) : Optional.empty();
                }
            }
        });
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
            Object parameter = parameters[i];
            if (parameter == null) {
                statement.setNull(i + 1, Types.VARCHAR);
            } else {
                statement.setObject(i + 1, parameter);
            }
        }
    }

    private <T> T inTransaction(String operation, Transactions.SqlWork<T> work) {
        try {
            return Transactions.inTransaction(dataSource, work);
        } catch (SQLException e) {
            throw translate(operation, e);
        }
    }

    private StoreException translate(String operation, SQLException e) {
        return dialect.classify(e) == SqlErrorKind.UNAVAILABLE
                ? new StoreUnavailableException("ledger " + operation + " failed: database unavailable", table, e)
                : new StoreException("ledger " + operation + " failed", table, e);
    }
}
