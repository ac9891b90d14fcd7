package dev.mailroom.cli;

import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithMariaDb;
import dev.mailroom.testkit.kafka.KafkaBroker;
import dev.mailroom.testkit.kafka.WithKafka;

@WithMariaDb
@WithKafka
class CliAgainstServerMariaDbTest extends CliAgainstServerContract {

    CliAgainstServerMariaDbTest(TestDatabase database, KafkaBroker broker) {
        super(database, broker);
    }
}
