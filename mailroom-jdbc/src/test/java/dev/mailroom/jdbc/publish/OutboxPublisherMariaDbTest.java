package dev.mailroom.jdbc.publish;

import dev.mailroom.testkit.db.WithMariaDb;

@WithMariaDb
class OutboxPublisherMariaDbTest extends OutboxPublisherContract {
}
