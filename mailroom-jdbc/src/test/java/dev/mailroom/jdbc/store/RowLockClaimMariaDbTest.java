package dev.mailroom.jdbc.store;

import dev.mailroom.testkit.db.WithMariaDb;

@WithMariaDb
class RowLockClaimMariaDbTest extends RowLockClaimContract {
}
