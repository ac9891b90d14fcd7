package dev.mailroom.ledger;

import dev.mailroom.testkit.db.WithPostgres;

@WithPostgres
class SchemaAndErrorsPostgresTest extends SchemaAndErrorsContract {
}
