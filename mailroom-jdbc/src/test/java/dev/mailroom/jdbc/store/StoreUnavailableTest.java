package dev.mailroom.jdbc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.jdbc.OutboxFixture;
import dev.mailroom.jdbc.StoreUnavailableException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class StoreUnavailableTest {

    @Test
    void aDatabaseThatIsDownGivesStoreUnavailableWithTheTableAndSqlState() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        PGSimpleDataSource down = new PGSimpleDataSource();
        down.setUrl("jdbc:postgresql://127.0.0.1:" + closedPort + "/test");
        down.setUser("postgres");
        down.setConnectTimeout(2);
        OutboxStore store = OutboxStore.create(down, OutboxFixture.ORDERS.table());

        assertThatThrownBy(() -> store.claim("relay", 10, Duration.ofSeconds(30)))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("orders_outbox")
                .satisfies(e -> assertThat(((StoreUnavailableException) e).sqlState()).startsWith("08"));
    }
}
