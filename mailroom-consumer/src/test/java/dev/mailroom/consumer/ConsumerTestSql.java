package dev.mailroom.consumer;

import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.routing.TableName;
import dev.mailroom.testkit.db.TestDatabase;

/** The consumer tests' SQL that differs per database, picked once by the database's dialect. */
final class ConsumerTestSql {

    private final SqlDialect dialect;

    private ConsumerTestSql(SqlDialect dialect) {
        this.dialect = dialect;
    }

    static ConsumerTestSql of(TestDatabase database) {
        return new ConsumerTestSql(SqlDialect.detect(database.dataSource()));
    }

    SqlDialect dialect() {
        return dialect;
    }

    /** The table the test handler writes its effects into: one row per handled event. */
    String createNotifiedTable() {
        return dialect.choose(
                () -> "CREATE TABLE IF NOT EXISTS notified (event_id uuid, order_id text)",
                () -> "CREATE TABLE IF NOT EXISTS notified (event_id CHAR(36), order_id TEXT)");
    }

    /** A check constraint of the user's own that refuses rows whose key is {@code key}. */
    String refuseKey(TableName table, String constraint, String key) {
        return "ALTER TABLE " + table.qualified() + " ADD CONSTRAINT " + constraint + " CHECK ("
                + dialect.choose(() -> "event_key IS DISTINCT FROM '" + key + "'",
                        () -> "NOT (event_key <=> '" + key + "')") + ")";
    }

    /** The SQL state a failed check constraint reports. */
    String checkViolationState() {
        return dialect.choose(() -> "23514", () -> "23000");
    }

    /** A header of the {@code headers} column as text, or NULL. */
    String header(String name) {
        return dialect.choose(() -> "headers ->> '" + name + "'", () -> "JSON_VALUE(headers, '$.\"" + name + "\"')");
    }
}
