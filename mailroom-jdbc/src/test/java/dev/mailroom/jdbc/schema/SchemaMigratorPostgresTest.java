package dev.mailroom.jdbc.schema;

import dev.mailroom.testkit.db.WithPostgres;

@WithPostgres
class SchemaMigratorPostgresTest extends SchemaMigratorContract {
}
