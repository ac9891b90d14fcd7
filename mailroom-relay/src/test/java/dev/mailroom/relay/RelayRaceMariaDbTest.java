package dev.mailroom.relay;

import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithMariaDb;

@WithMariaDb
class RelayRaceMariaDbTest extends RelayRaceContract {

    RelayRaceMariaDbTest(TestDatabase database) {
        super(database);
    }
}
