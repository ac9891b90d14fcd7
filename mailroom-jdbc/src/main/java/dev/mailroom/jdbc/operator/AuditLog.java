package dev.mailroom.jdbc.operator;

import dev.mailroom.internal.Arguments;
import dev.mailroom.jdbc.dialect.OperationsSql;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.internal.StoreErrors;
import dev.mailroom.jdbc.internal.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The operators' audit trail ({@code mailroom_audit}): every operator write, recorded in the
 * transaction of the change ({@link #record}), read newest first.
 */
public final class AuditLog {

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final OperationsSql sql;

    private AuditLog(DataSource dataSource, SqlDialect dialect) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.sql = dialect.operations();
    }

    public static AuditLog create(DataSource dataSource, SqlDialect dialect) {
        Arguments.requireNonNull(dataSource, "dataSource");
        Arguments.requireNonNull(dialect, "dialect");
        return new AuditLog(dataSource, dialect);
    }

    /**
     * Records an operator's write on {@code connection}, inside the transaction that makes the
     * change; returns the record's id.
     */
    public static long record(Connection connection, OperationsSql sql, Actor actor, String action, String target,
                              String selectionJson, int rowsChanged) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(sql.audit(), new String[] {"id"})) {
            insert.setString(1, actor.name());
            insert.setString(2, action);
            insert.setString(3, target);
            insert.setString(4, selectionJson);
            insert.setInt(5, rowsChanged);
            insert.setString(6, actor.reason());
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    /**
     * Records, newest first: of one target and one action when given (null: any), before the
     * cursor (an id from the previous page; null: the newest).
     */
    public List<AuditRecord> read(String target, String action, Long before, int limit) {
        if (limit < 1 || limit > PageRequest.MAX_LIMIT) {
            throw new InvalidFilterException("limit", limit + " is outside 1.." + PageRequest.MAX_LIMIT);
        }
        try {
            return Transactions.inTransaction(dataSource, connection -> {
                List<AuditRecord> records = new ArrayList<>();
                try (PreparedStatement query = connection.prepareStatement(
                        sql.auditRecords(target != null, action != null, before != null))) {
                    int index = 1;
                    if (target != null) {
                        query.setString(index++, target);
                    }
                    if (action != null) {
                        query.setString(index++, action);
                    }
                    if (before != null) {
                        query.setLong(index++, before);
                    }
                    query.setInt(index, limit);
                    try (ResultSet rs = query.executeQuery()) {
                        while (rs.next()) {
                            records.add(new AuditRecord(rs.getLong(1), dialect.getInstant(rs, 2), rs.getString(3),
                                    rs.getString(4), rs.getString(5), rs.getString(6), rs.getInt(7), rs.getString(8)));
                        }
                    }
                }
                return records;
            });
        } catch (SQLException e) {
            throw StoreErrors.translate(dialect, "mailroom_audit", "read the audit trail", e);
        }
    }
}
