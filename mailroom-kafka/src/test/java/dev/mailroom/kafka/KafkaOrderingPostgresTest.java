package dev.mailroom.kafka;

import dev.mailroom.testkit.db.WithPostgres;

@WithPostgres
class KafkaOrderingPostgresTest extends KafkaOrderingContract {
}
