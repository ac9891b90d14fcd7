package dev.mailroom.jdbc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.jdbc.JdbcTestSql;
import dev.mailroom.jdbc.OutboxFixture;
import dev.mailroom.jdbc.StoreUnavailableException;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.testkit.db.TestDatabase;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A database that is down: the store says so with the table and the SQL state, for each database's driver. */
abstract class StoreUnavailableContract {

    private SqlDialect dialect;
    private DataSource down;

    @BeforeEach
    void databaseDown(TestDatabase database) {
        dialect = SqlDialect.detect(database.dataSource());
        down = new JdbcTestSql(dialect).unreachable();
    }

    @Test
    void aDatabaseThatIsDownGivesStoreUnavailableWithTheTableAndSqlState() {
        OutboxStore store = OutboxStore.create(down, dialect, OutboxFixture.ORDERS.table(), RetryPolicy.defaults());

        assertThatThrownBy(() -> store.claim("relay", 10, Duration.ofSeconds(30)))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("orders_outbox")
                .satisfies(e -> assertThat(((StoreUnavailableException) e).sqlState()).startsWith("08"));
    }

    @Test
    void findingOutTheDialectOfADatabaseThatIsDownSaysSo() {
        assertThatThrownBy(() -> OutboxStore.create(down, OutboxFixture.ORDERS.table()))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("which database")
                .satisfies(e -> assertThat(((StoreUnavailableException) e).sqlState()).startsWith("08"));
    }
}
