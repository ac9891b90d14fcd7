package dev.mailroom.jdbc.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The store's JDBC plumbing: reading rows and single values, binding id arrays, checking arguments. */
final class StoreJdbc {

    private StoreJdbc() {
    }

    static List<OutboxRow> readRows(PreparedStatement statement) throws SQLException {
        List<OutboxRow> rows = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                rows.add(OutboxRowMapper.map(rs));
            }
        }
        return rows;
    }

    static boolean exists(Connection connection, String existsSql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(existsSql);
             ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** A query answering one number of seconds, or null: as a duration, negative ones as zero. */
    static Optional<Duration> seconds(Connection connection, String secondsSql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(secondsSql);
             ResultSet rs = statement.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            double seconds = rs.getDouble(1);
            return rs.wasNull() ? Optional.empty() : Optional.of(Duration.ofNanos((long) (Math.max(0, seconds) * 1e9)));
        }
    }

    static Array longArray(Connection connection, Collection<Long> ids) throws SQLException {
        return connection.createArrayOf("bigint", ids.toArray(new Long[0]));
    }

    static String truncate(String error) {
        if (error == null || error.length() <= OutboxStore.MAX_ERROR_LENGTH) {
            return error;
        }
        return error.substring(0, OutboxStore.MAX_ERROR_LENGTH);
    }

    static void requireOwner(String owner) {
        if (owner == null || owner.isBlank()) {
            throw new IllegalArgumentException("lease owner must not be blank");
        }
    }

    static void requireLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
    }
}
