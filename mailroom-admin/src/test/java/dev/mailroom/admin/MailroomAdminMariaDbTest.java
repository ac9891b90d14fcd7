package dev.mailroom.admin;

import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithMariaDb;

@WithMariaDb
class MailroomAdminMariaDbTest extends MailroomAdminContract {

    MailroomAdminMariaDbTest(TestDatabase database) {
        super(database);
    }
}
