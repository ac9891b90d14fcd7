package dev.mailroom.relay;

import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithMariaDb;

@WithMariaDb
class RelayOperatorsMariaDbTest extends RelayOperatorsContract {

    RelayOperatorsMariaDbTest(TestDatabase database) {
        super(database);
    }
}
