package dev.mailroom.ledger;

import dev.mailroom.jdbc.dialect.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the ledger store asks a database to do on one ledger table, each operation on the caller's
 * connection inside the caller's transaction (never committing). A dialect may use one statement
 * where another needs several: PostgreSQL changes an item and writes its audit row in one statement
 * with data-modifying CTEs and binds id arrays; MariaDB locks, updates, reads back and inserts the
 * audit row in turn. The reads, the same everywhere, are implemented here once.
 */
abstract class LedgerOperations {

    protected final SqlDialect dialect;
    protected final LedgerRowMapper rows;
    private final LedgerSql sql;

    protected LedgerOperations(SqlDialect dialect, LedgerSql sql) {
        this.dialect = dialect;
        this.rows = new LedgerRowMapper(dialect);
        this.sql = sql;
    }

    /** The operations of {@code dialect} on one ledger table, with their statements rendered once. */
    static LedgerOperations of(SqlDialect dialect, LedgerTables tables) {
        return dialect.choose(() -> new PostgresLedgerOperations(dialect, new PostgresLedgerSql(tables)),
                () -> new MariaDbLedgerOperations(dialect, new MariaDbLedgerSql(tables)));
    }

    /**
     * Inserts items (at most {@link LedgerStore#INSERT_CHUNK}) with their first audit rows, in the
     * caller's transaction; returns their ids in the items' order.
     */
    abstract List<Long> insert(Connection connection, List<FailedItem> items, int maxAttempts, String createdBy)
            throws SQLException;

    /** Leases up to {@code limit} due open items not leased, oldest first, skipping those others hold locked. */
    abstract List<LedgerItem> claimDue(Connection connection, String owner, Duration lease, int limit)
            throws SQLException;

    /** Leases up to {@code limit} of one batch's open items, due or not, after a position, in item order. */
    abstract List<LedgerItem> claimBatch(Connection connection, String owner, Duration lease, String batchId,
                                         int afterIndex, long afterId, int limit) throws SQLException;

    /** Clears the leases of claimed items still at their claimed version; no state change. Returns how many. */
    abstract int release(Connection connection, String owner, List<LedgerItem> items) throws SQLException;

    /** Applies the change when its guard holds, with its audit row; empty when it did not. */
    abstract Optional<LedgerStore.Moved> change(Connection connection, ItemChange change) throws SQLException;

    /** Expired leases back to retrying (manual_required at max), each lost run counted as an attempt. */
    abstract List<LedgerStore.Moved> reclaimExpired(Connection connection, int limit, String actor)
            throws SQLException;

    Optional<LedgerStore.StateAndVersion> statusAndVersion(Connection connection, long id) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.statusAndVersion())) {
            statement.setLong(1, id);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? Optional.of(new LedgerStore.StateAndVersion(
                        LedgerState.fromDbValue(rs.getString(1)), rs.getLong(2))) : Optional.empty();
            }
        }
    }

    List<LedgerItem> list(Connection connection, LedgerFilter filter) throws SQLException {
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
        return items(connection, sql.list(filter.batchId() != null, filter.state() != null,
                filter.operationType() != null), parameters);
    }

    Optional<LedgerItem> find(Connection connection, long id) throws SQLException {
        return items(connection, sql.find(), List.of(id)).stream().findFirst();
    }

    List<AuditEntry> audit(Connection connection, long id) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.audit())) {
            statement.setLong(1, id);
            List<AuditEntry> entries = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    entries.add(rows.audit(rs));
                }
            }
            return entries;
        }
    }

    /** The items a query returns, read with the one mapper. */
    protected List<LedgerItem> items(Connection connection, String query, List<?> parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            bind(statement, 1, parameters);
            return items(statement);
        }
    }

    protected List<LedgerItem> items(PreparedStatement statement) throws SQLException {
        List<LedgerItem> items = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                items.add(rows.item(rs));
            }
        }
        return items;
    }

    /** The insert parameters of each item, row after row (see the dialects' {@code insert(rows)}). */
    protected static List<Object> insertValues(List<FailedItem> items, int maxAttempts, String createdBy) {
        List<Object> values = new ArrayList<>(items.size() * 7);
        for (FailedItem item : items) {
            values.add(item.batchId());
            values.add(item.operationType());
            values.add(item.itemIndex());
            values.add(item.payloadJson());
            values.add(LedgerInput.reason(item.reason()));
            values.add(maxAttempts);
            values.add(createdBy);
        }
        return values;
    }

    /** Binds {@code parameters} from {@code index} on (nulls as text); returns the next free index. */
    protected static int bind(PreparedStatement statement, int index, List<?> parameters) throws SQLException {
        for (Object parameter : parameters) {
            if (parameter == null) {
                statement.setNull(index++, Types.VARCHAR);
            } else {
                statement.setObject(index++, parameter);
            }
        }
        return index;
    }
}
