package dev.mailroom.jdbc.operator;

import dev.mailroom.testkit.db.WithMariaDb;

@WithMariaDb
class OperatorStoreMariaDbTest extends OperatorStoreContract {
}
