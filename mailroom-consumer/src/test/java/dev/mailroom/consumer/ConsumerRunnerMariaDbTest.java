package dev.mailroom.consumer;

import dev.mailroom.testkit.db.WithMariaDb;

@WithMariaDb
class ConsumerRunnerMariaDbTest extends ConsumerRunnerContract {
}
