package dev.mailroom.jdbc.publish;

import dev.mailroom.testkit.db.WithPostgres;

@WithPostgres
class PublishRefusalsPostgresTest extends PublishRefusalsContract {
}
