package dev.mailroom.kafka;

import dev.mailroom.testkit.db.WithMariaDb;

@WithMariaDb
class KafkaRelayMariaDbTest extends KafkaRelayContract {
}
