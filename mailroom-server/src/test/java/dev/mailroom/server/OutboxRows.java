package dev.mailroom.server;

import dev.mailroom.testkit.db.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Outbox rows written and read with plain SQL, as a producer in any language and an operator's psql see them. */
final class OutboxRows {

    private final TestDatabase db;

    OutboxRows(TestDatabase db) {
        this.db = db;
    }

    List<String> insert(String table, String type, String key, int rows, String status, String error)
            throws SQLException {
        return insert(table, type, key, rows, status, error, false);
    }

    /** Rows as a producer in any language inserts them (plain SQL, one statement); returns their event ids in id order. */
    List<String> insert(String table, String type, String key, int rows, String status, String error,
                        boolean sameKey) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection connection = db.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " (event_type, event_key,"
                     + " payload, status, attempts, last_error) SELECT ?, k, convert_to('{\"n\":\"' || k || '\"}', 'UTF8'),"
                     + " ?, ?, ? FROM (SELECT n, CASE WHEN ? THEN ? ELSE ? || (n - 1) END AS k"
                     + " FROM generate_series(1, ?) AS n) AS keys ORDER BY n RETURNING id, event_id")) {
            insert.setString(1, type);
            insert.setString(2, status);
            insert.setInt(3, status.equals("dead") ? 20 : 0);
            insert.setString(4, error);
            insert.setBoolean(5, sameKey);
            insert.setString(6, key);
            insert.setString(7, key);
            insert.setInt(8, rows);
            Map<Long, String> byId = new TreeMap<>();
            try (ResultSet rs = insert.executeQuery()) {
                while (rs.next()) {
                    byId.put(rs.getLong(1), rs.getString(2));
                }
            }
            ids.addAll(byId.values());
        }
        return ids;
    }

    long insertOne(String table, String type, String key, String payload, String status, String error,
                   String headers) throws SQLException {
        try (Connection connection = db.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " (event_type, event_key,"
                     + " payload, status, attempts, last_error, headers) VALUES (?, ?, convert_to(?, 'UTF8'), ?, ?, ?,"
                     + " CAST(? AS jsonb)) RETURNING id")) {
            insert.setString(1, type);
            insert.setString(2, key);
            insert.setString(3, payload);
            insert.setString(4, status);
            insert.setInt(5, status.equals("dead") ? 20 : 0);
            insert.setString(6, error);
            insert.setString(7, headers);
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    void execute(String sql) throws SQLException {
        try (Connection connection = db.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql);
        }
    }

    long scalar(String sql) throws SQLException {
        return Long.parseLong(value(sql));
    }

    String eventId(String table, long id) throws SQLException {
        return value("SELECT event_id FROM " + table + " WHERE id = " + id);
    }

    String state(String table, long id) throws SQLException {
        return value("SELECT status FROM " + table + " WHERE id = " + id);
    }

    /** The first column of the first row. */
    String value(String sql) throws SQLException {
        try (Connection connection = db.dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            org.assertj.core.api.Assertions.assertThat(rs.next()).as(sql).isTrue();
            return rs.getString(1);
        }
    }

    Map<String, Long> countsByState(String table) throws SQLException {
        return countsOf("SELECT status, COUNT(*) FROM " + table + " GROUP BY status");
    }

    Map<String, Long> countsOf(String sql) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection connection = db.dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        }
        return counts;
    }

    /** The last audit record of this action and selection: actor, reason, rows. */
    Map<String, String> audit(String action, String selection) throws SQLException {
        try (Connection connection = db.dataSource().getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT actor, reason, rows_changed FROM mailroom_audit"
                     + " WHERE action = ? AND selection = ? ORDER BY id DESC LIMIT 1")) {
            query.setString(1, action);
            query.setString(2, selection);
            try (ResultSet rs = query.executeQuery()) {
                org.assertj.core.api.Assertions.assertThat(rs.next()).as("an audit record of " + action + " " + selection).isTrue();
                return Map.of("actor", rs.getString(1), "reason", rs.getString(2), "rows", rs.getString(3));
            }
        }
    }
}
