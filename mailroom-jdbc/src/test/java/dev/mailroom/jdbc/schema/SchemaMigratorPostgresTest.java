package dev.mailroom.jdbc.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

@WithPostgres
class SchemaMigratorPostgresTest extends SchemaMigratorContract {

    @Test
    void theOutboxTableIsVacuumedUnthrottledAndEarlyUnlessAnOperatorTunedItAlready(TestDatabase database)
            throws Exception {
        SchemaMigrator migrator = new SchemaMigrator(database.dataSource(), SqlDialect.postgresql());
        migrator.migrateOutbox(service("vacuumed"));
        assertThat(reloptions(database)).isEqualTo("autovacuum_vacuum_cost_delay=0,autovacuum_vacuum_scale_factor=0.05,"
                + "autovacuum_analyze_scale_factor=0.05");

        // before V7: the operator had tuned one of its settings already
        execute("ALTER TABLE vacuumed_outbox RESET (autovacuum_vacuum_cost_delay,"
                + " autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor)");
        execute("ALTER TABLE vacuumed_outbox SET (autovacuum_vacuum_scale_factor = 0.01)");
        execute("DELETE FROM mailroom_schema_history WHERE scope = 'outbox:vacuumed_outbox' AND version = 7");
        assertThat(migrator.migrateOutbox(service("vacuumed"))).containsExactly(7);
        assertThat(reloptions(database)).isEqualTo("autovacuum_vacuum_scale_factor=0.01,autovacuum_vacuum_cost_delay=0,"
                + "autovacuum_analyze_scale_factor=0.05");
    }

    private static String reloptions(TestDatabase database) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT array_to_string(reloptions, ',') FROM pg_class"
                     + " WHERE oid = 'vacuumed_outbox'::regclass")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }
}
