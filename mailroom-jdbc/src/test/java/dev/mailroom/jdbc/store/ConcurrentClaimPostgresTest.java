package dev.mailroom.jdbc.store;

import dev.mailroom.testkit.db.WithPostgres;

@WithPostgres
class ConcurrentClaimPostgresTest extends ConcurrentClaimContract {
}
