package dev.mailroom.faults;

import dev.mailroom.testkit.db.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/** Read-only looks at the scenario's outbox table. */
final class OutboxRows {

    private final TestDatabase database;

    OutboxRows(TestDatabase database) {
        this.database = database;
    }

    /** Rows in {@code sending} leased to {@code owner}. */
    long leasedTo(String owner) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT count(*) FROM " + FaultRoutes.TABLE + " WHERE status = 'sending' AND lease_owner = ?")) {
            statement.setString(1, owner);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Every row's state, attempts, publication time, lease owner and last change, by id. */
    Map<Long, String> states() throws SQLException {
        Map<Long, String> states = new LinkedHashMap<>();
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT id, status, attempts, published_at, lease_owner, updated_at FROM "
                     + FaultRoutes.TABLE + " ORDER BY id")) {
            while (rs.next()) {
                states.put(rs.getLong(1), rs.getString(2) + "|" + rs.getInt(3) + "|" + rs.getString(4) + "|"
                        + rs.getString(5) + "|" + rs.getString(6));
            }
        }
        return states;
    }

    /** The single number {@code sql} answers. */
    long queryLong(String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    long count(String where) throws SQLException {
        return queryLong("SELECT count(*) FROM " + FaultRoutes.TABLE + " WHERE " + where);
    }
}
