package dev.mailroom.relay;

import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;

@WithPostgres
class RelayRacePostgresTest extends RelayRaceContract {

    RelayRacePostgresTest(TestDatabase database) {
        super(database);
    }
}
