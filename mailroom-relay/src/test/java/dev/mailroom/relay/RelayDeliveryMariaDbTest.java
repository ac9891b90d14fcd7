package dev.mailroom.relay;

import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithMariaDb;

@WithMariaDb
class RelayDeliveryMariaDbTest extends RelayDeliveryContract {

    RelayDeliveryMariaDbTest(TestDatabase database) {
        super(database);
    }
}
