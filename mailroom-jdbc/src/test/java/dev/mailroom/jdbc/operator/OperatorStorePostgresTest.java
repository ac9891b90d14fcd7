package dev.mailroom.jdbc.operator;

import dev.mailroom.testkit.db.WithPostgres;

@WithPostgres
class OperatorStorePostgresTest extends OperatorStoreContract {
}
