package dev.mailroom.relay;

import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;

@WithPostgres
class RelayOperatorsPostgresTest extends RelayOperatorsContract {

    RelayOperatorsPostgresTest(TestDatabase database) {
        super(database);
    }
}
