package dev.mailroom.relay;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithMariaDb;
import dev.mailroom.transport.InProcessTransport;
import org.junit.jupiter.api.Test;

@WithMariaDb
class RelayDeliveryMariaDbTest extends RelayDeliveryContract {

    RelayDeliveryMariaDbTest(TestDatabase database) {
        super(database);
    }

    @Test
    void partitionLeasesAreRefusedWhereTheyAreNotBuilt() {
        assertThatThrownBy(() -> outbox.relay(new InProcessTransport()).claimMode(ClaimMode.PARTITION_LEASE).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PARTITION_LEASE is built for PostgreSQL only, not for mariadb");
    }
}
