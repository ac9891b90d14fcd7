package dev.mailroom.consumer;

import dev.mailroom.testkit.db.WithPostgres;

@WithPostgres
class ConsumerRunnerPostgresTest extends ConsumerRunnerContract {
}
