package dev.mailroom.jdbc.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithMariaDb;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@WithMariaDb
class SchemaMigratorMariaDbTest extends SchemaMigratorContract {

    @Test
    void theTimePartitionedLayoutIsRefusedWithItsReasonAndTheTableStaysAsItWas(TestDatabase database)
            throws Exception {
        SchemaMigrator migrator = new SchemaMigrator(database.dataSource(), SqlDialect.mariadb());
        assertThatThrownBy(() -> migrator.migrateToTimePartitions(service("layout"), Duration.ofDays(1)))
                .isInstanceOf(MigrationException.class).hasMessageContaining("PostgreSQL's only");
        assertThat(migrator.migrateOutbox(service("layout"))).as("not even the outbox scripts ran").isNotEmpty();
    }
}
