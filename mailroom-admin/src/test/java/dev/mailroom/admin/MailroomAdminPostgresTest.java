package dev.mailroom.admin;

import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;

@WithPostgres
class MailroomAdminPostgresTest extends MailroomAdminContract {

    MailroomAdminPostgresTest(TestDatabase database) {
        super(database);
    }
}
