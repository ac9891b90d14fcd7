package dev.mailroom.relay;

import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;

@WithPostgres
class RelayDeathPostgresTest extends RelayDeathContract {

    RelayDeathPostgresTest(TestDatabase database) {
        super(database);
    }
}
