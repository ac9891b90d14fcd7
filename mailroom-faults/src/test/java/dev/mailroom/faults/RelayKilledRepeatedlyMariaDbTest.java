package dev.mailroom.faults;

import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.TestDatabases;

/** Scenario a on MariaDB, where the relay polls (no LISTEN/NOTIFY). */
class RelayKilledRepeatedlyMariaDbTest extends RelayKilledRepeatedlyTest implements ClaimModesOfTheDatabase.OnMariaDb {

    @Override
    TestDatabase openDatabase() {
        return TestDatabases.freshMariaDbDatabase(getClass().getSimpleName());
    }
}
