package dev.mailroom.cli;

import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;
import dev.mailroom.testkit.kafka.KafkaBroker;
import dev.mailroom.testkit.kafka.WithKafka;

@WithPostgres
@WithKafka
class CliAgainstServerPostgresTest extends CliAgainstServerContract {

    CliAgainstServerPostgresTest(TestDatabase database, KafkaBroker broker) {
        super(database, broker);
    }
}
