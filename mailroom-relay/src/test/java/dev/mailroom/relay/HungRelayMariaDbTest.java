package dev.mailroom.relay;

import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithMariaDb;

@WithMariaDb
class HungRelayMariaDbTest extends HungRelayContract {

    HungRelayMariaDbTest(TestDatabase database) {
        super(database);
    }
}
