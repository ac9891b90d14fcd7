package dev.mailroom.relay;

import dev.mailroom.testkit.db.TestDatabase;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeEach;

/** The base of the relay tests whose every test starts with the orders outbox migrated and empty. */
abstract class EmptyOutboxContract {

    final RelayFixture outbox;

    EmptyOutboxContract(TestDatabase database) {
        this.outbox = new RelayFixture(database);
    }

    @BeforeEach
    void emptyTable() throws SQLException {
        outbox.reset();
    }
}
