package dev.mailroom.jdbc.store;

import dev.mailroom.testkit.db.WithPostgres;

@WithPostgres
class OutboxStoreTransitionsPostgresTest extends OutboxStoreTransitionsContract {
}
