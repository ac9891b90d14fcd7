package dev.mailroom.cli;

import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;

@WithPostgres
class SchemaCommandPostgresTest extends SchemaCommandContract {

    SchemaCommandPostgresTest(TestDatabase database) {
        super(database, "postgresql");
    }
}
