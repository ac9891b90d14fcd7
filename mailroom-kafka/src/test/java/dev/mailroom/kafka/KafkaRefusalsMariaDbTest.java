package dev.mailroom.kafka;

import dev.mailroom.testkit.db.WithMariaDb;

@WithMariaDb
class KafkaRefusalsMariaDbTest extends KafkaRefusalsContract {
}
