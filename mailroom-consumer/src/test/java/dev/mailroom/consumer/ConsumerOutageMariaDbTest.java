package dev.mailroom.consumer;

import dev.mailroom.testkit.db.WithMariaDb;

@WithMariaDb
class ConsumerOutageMariaDbTest extends ConsumerOutageContract {
}
