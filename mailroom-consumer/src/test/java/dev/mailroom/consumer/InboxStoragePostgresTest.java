package dev.mailroom.consumer;

import dev.mailroom.testkit.db.WithPostgres;

@WithPostgres
class InboxStoragePostgresTest extends InboxStorageContract {
}
