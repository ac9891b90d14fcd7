package dev.mailroom.ledger;

import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.schema.SchemaMigrator;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Creates and upgrades a ledger table and its audit table from the versioned scripts in the jar
 * ({@code dev/mailroom/db/<dialect>/ledger/V<n>__*.sql}, Flyway-style, placeholders {@code ${table}},
 * {@code ${table_name}}, {@code ${audit}}; PostgreSQL and MariaDB have the same versions), recorded
 * under the scope {@code ledger:<table>} in {@code mailroom_schema_history}. Opt-in: nothing calls it
 * implicitly. Safe to run twice or from two processes at once; each version is applied exactly once.
 */
public final class LedgerSchema {

    /** The ledger table unless another is named; its audit table is {@code mailroom_ledger_audit}. */
    public static final String DEFAULT_TABLE = "mailroom_ledger";

    private LedgerSchema() {
    }

    /**
     * Migrates {@code table} (optionally {@code schema.table}) in the dialect of the database behind
     * {@code dataSource} ({@link SqlDialect#detect}); returns the versions applied now.
     */
    public static List<Integer> migrate(DataSource dataSource, String table) {
        LedgerTables tables = LedgerTables.of(table);
        return migrate(dataSource, SqlDialect.detect(dataSource), tables);
    }

    /** Migrates {@code table} with the scripts of {@code dialect}; returns the versions applied now. */
    public static List<Integer> migrate(DataSource dataSource, SqlDialect dialect, String table) {
        return migrate(dataSource, dialect, LedgerTables.of(table));
    }

    static List<Integer> migrate(DataSource dataSource, SqlDialect dialect, LedgerTables tables) {
        return new SchemaMigrator(dataSource, dialect).migrateScripts("ledger:" + tables.items().qualified(),
                scriptsFolder(dialect), Map.of("table", tables.items().qualified(), "table_name", tables.items().name(),
                        "audit", tables.audit().qualified()));
    }

    /** The classpath folder of the dialect's ledger scripts and their {@code migrations.list}. */
    static String scriptsFolder(SqlDialect dialect) {
        return "dev/mailroom/db/" + dialect.name() + "/ledger/";
    }
}
