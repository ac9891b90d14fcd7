package dev.mailroom.jdbc.schema;

import dev.mailroom.testkit.db.WithMariaDb;

@WithMariaDb
class SchemaMigratorMariaDbTest extends SchemaMigratorContract {
}
