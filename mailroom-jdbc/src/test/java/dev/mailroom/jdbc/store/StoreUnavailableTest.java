package dev.mailroom.jdbc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.jdbc.OutboxFixture;
import dev.mailroom.jdbc.StoreUnavailableException;
import dev.mailroom.testkit.db.TestDatabases;
import java.time.Duration;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.retry.RetryPolicy;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class StoreUnavailableTest {

    @Test
    void aDatabaseThatIsDownGivesStoreUnavailableWithTheTableAndSqlState() throws Exception {
        DataSource down = TestDatabases.unreachablePostgres();
        OutboxStore store = OutboxStore.create(down, SqlDialect.postgresql(), OutboxFixture.ORDERS.table(),
                RetryPolicy.defaults());

        assertThatThrownBy(() -> store.claim("relay", 10, Duration.ofSeconds(30)))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("orders_outbox")
                .satisfies(e -> assertThat(((StoreUnavailableException) e).sqlState()).startsWith("08"));
    }

    @Test
    void findingOutTheDialectOfADatabaseThatIsDownSaysSo() {
        DataSource down = TestDatabases.unreachablePostgres();

        assertThatThrownBy(() -> OutboxStore.create(down, OutboxFixture.ORDERS.table()))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("which database")
                .satisfies(e -> assertThat(((StoreUnavailableException) e).sqlState()).startsWith("08"));
    }
}
