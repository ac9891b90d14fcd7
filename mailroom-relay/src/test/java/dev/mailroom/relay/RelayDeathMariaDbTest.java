package dev.mailroom.relay;

import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithMariaDb;

@WithMariaDb
class RelayDeathMariaDbTest extends RelayDeathContract {

    RelayDeathMariaDbTest(TestDatabase database) {
        super(database);
    }
}
