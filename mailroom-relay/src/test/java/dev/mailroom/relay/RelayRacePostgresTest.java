package dev.mailroom.relay;

import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@WithPostgres
class RelayRacePostgresTest extends RelayRaceContract {

    RelayRacePostgresTest(TestDatabase database) {
        super(database);
    }

    /** Partition-leased claims are built for PostgreSQL only: the same race, its relays joining mid-way. */
    @ParameterizedTest(name = "{0} relays claiming by PARTITION_LEASE")
    @ValueSource(ints = {2, 3})
    void racingPartitionLeasedRelaysDeliverEveryEventOnceInKeyOrderWithNoKeyInFlightTwice(int relays) throws Exception {
        race(relays, ClaimMode.PARTITION_LEASE, new CountingDataSource());
    }
}
