package dev.mailroom.jdbc.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

@WithPostgres
class SchemaMigratorPostgresTest extends SchemaMigratorContract {

    @Test
    void theOutboxTableIsVacuumedUnthrottledAndEarly(TestDatabase database) throws Exception {
        new SchemaMigrator(database.dataSource(), SqlDialect.postgresql()).migrateOutbox(service("vacuumed"));
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT array_to_string(reloptions, ',') FROM pg_class"
                     + " WHERE oid = 'vacuumed_outbox'::regclass")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).contains("autovacuum_vacuum_cost_delay=0",
                    "autovacuum_vacuum_scale_factor=0.05", "autovacuum_analyze_scale_factor=0.05");
        }
    }
}
