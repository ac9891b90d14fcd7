package dev.mailroom.relay;

import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithMariaDb;

@WithMariaDb
class RelayBadRowsMariaDbTest extends RelayBadRowsContract {

    RelayBadRowsMariaDbTest(TestDatabase database) {
        super(database);
    }
}
