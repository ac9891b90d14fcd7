package dev.mailroom.relay;

import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;

@WithPostgres
class RelayDeliveryPostgresTest extends RelayDeliveryContract {

    RelayDeliveryPostgresTest(TestDatabase database) {
        super(database);
    }
}
