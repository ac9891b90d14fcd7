package dev.mailroom.jdbc.dialect;

import dev.mailroom.routing.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The time-partitioned layout's statements: each calls a function of the layout's migration script
 * ({@code outbox-time-partitioned/V1}), which holds the partition logic in one place for relays and
 * for operators working in SQL.
 */
final class PostgresTimePartitions implements TimePartitions {

    private final String partitioned;
    private final String createAhead;
    private final String retire;
    private final String deleteFinishedInDefault;

    PostgresTimePartitions(TableName table) {
        String regclass = "'" + table.qualified() + "'::regclass";
        this.partitioned = "SELECT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('" + table.qualified()
                + "') AND relkind = 'p')";
        this.createAhead = "SELECT mailroom_time_partitions_create(" + regclass + ")";
        this.retire = "SELECT dropped, moved, kept FROM mailroom_time_partitions_retire(" + regclass
                + ", now() - ? * interval '1 millisecond', ?)";
        this.deleteFinishedInDefault = PostgresOutboxSql.deleteFinished(table.qualified() + "_default");
    }

    @Override
    public boolean partitioned(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(partitioned);
             ResultSet rs = statement.executeQuery()) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    @Override
    public int createAhead(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(createAhead);
             ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Override
    public RetiredPartitions retire(Connection connection, Duration age, long moveLimit) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(retire)) {
            statement.setLong(1, age.toMillis());
            statement.setLong(2, moveLimit);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return new RetiredPartitions(rs.getInt(1), rs.getLong(2), rs.getInt(3));
            }
        }
    }

    @Override
    public DeletedRows deleteFinishedInDefault(Connection connection, Duration age, long fromId, int limit)
            throws SQLException {
        return PostgresOutboxOperations.deleteFinished(connection, deleteFinishedInDefault, age, fromId, limit);
    }
}
