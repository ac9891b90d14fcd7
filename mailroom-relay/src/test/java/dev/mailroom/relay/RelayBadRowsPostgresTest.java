package dev.mailroom.relay;

import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;

@WithPostgres
class RelayBadRowsPostgresTest extends RelayBadRowsContract {

    RelayBadRowsPostgresTest(TestDatabase database) {
        super(database);
    }
}
