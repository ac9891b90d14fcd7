package dev.mailroom.ledger;

import dev.mailroom.testkit.db.WithMariaDb;

@WithMariaDb
class WithoutMicrometerMariaDbTest extends WithoutMicrometerContract {
}
