package dev.mailroom.relay;

import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;

@WithPostgres
class HungRelayPostgresTest extends HungRelayContract {

    HungRelayPostgresTest(TestDatabase database) {
        super(database);
    }
}
