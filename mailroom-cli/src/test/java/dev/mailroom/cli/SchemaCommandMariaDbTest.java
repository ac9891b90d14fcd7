package dev.mailroom.cli;

import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithMariaDb;

@WithMariaDb
class SchemaCommandMariaDbTest extends SchemaCommandContract {

    SchemaCommandMariaDbTest(TestDatabase database) {
        super(database, "mariadb");
    }
}
