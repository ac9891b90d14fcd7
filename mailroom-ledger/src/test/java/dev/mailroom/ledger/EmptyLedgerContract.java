package dev.mailroom.ledger;

import dev.mailroom.testkit.db.TestDatabase;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeEach;

/** The base of the contracts whose every test starts with the default ledger migrated and empty. */
abstract class EmptyLedgerContract {

    LedgerFixture fixture;

    @BeforeEach
    void emptyLedger(TestDatabase database) throws SQLException {
        fixture = new LedgerFixture(database);
        fixture.reset();
    }
}
