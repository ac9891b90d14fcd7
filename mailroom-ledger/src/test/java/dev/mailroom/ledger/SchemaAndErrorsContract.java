package dev.mailroom.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.jdbc.StoreUnavailableException;
import dev.mailroom.routing.TableName;
import dev.mailroom.testkit.db.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

abstract class SchemaAndErrorsContract {

    private TestDatabase database;
    private LedgerFixture fixture;

    @BeforeEach
    void fixture(TestDatabase database) {
        this.database = database;
        this.fixture = new LedgerFixture(database);
    }

    @Test
    void migratingTwiceAppliesEachVersionOnceUnderItsOwnScope() throws Exception {
        String table = database.name() + ".refund_ledger";
        assertThat(LedgerSchema.migrate(database.dataSource(), table)).containsExactly(1, 2);
        assertThat(LedgerSchema.migrate(database.dataSource(), table)).isEmpty();
        assertThat(fixture.count("SELECT count(*) FROM mailroom_schema_history WHERE scope = 'ledger:" + table + "'"))
                .isEqualTo(2);

        CompensationLedger ledger = fixture.ledger().table(table).executor("refund", item -> { }).build();
        long id = fixture.recordCommitted(ledger, List.of(new FailedItem("b", "refund", 0, "{}", "r"))).get(0);
        assertThat(ledger.processBatch("b").resolved()).isEqualTo(1);
        assertThat(fixture.count("SELECT count(*) FROM " + table + "_audit WHERE item_id = " + id)).isEqualTo(2);
    }

    @Test
    void aLedgerTableWithTheLongestAllowedNameMigratesAndWorks() throws Exception {
        String table = "l".repeat(TableName.MAX_NAME_LENGTH - "_audit".length());
        assertThat(LedgerSchema.migrate(database.dataSource(), table)).containsExactly(1, 2);

        CompensationLedger ledger = fixture.ledger().table(table).build();
        long id = fixture.recordCommitted(ledger, List.of(new FailedItem("b", "op", 0, "{}", "r"))).get(0);
        assertThat(ledger.processBatch("b").manual()).isEqualTo(1);
        assertThat(ledger.auditTrail(id)).extracting(AuditEntry::to)
                .containsExactly(LedgerState.PENDING, LedgerState.MANUAL_REQUIRED);
    }

    @Test
    void theStatusCheckConstraintAcceptsExactlyTheStatesOfLedgerState() throws Exception {
        fixture.reset();
        CompensationLedger ledger = fixture.ledger().build();
        long id = fixture.record(ledger, "b", "op", 1).get(0);
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            for (LedgerState state : LedgerState.values()) {
                assertThat(statement.executeUpdate("UPDATE mailroom_ledger SET status = '" + state.dbValue()
                        + "' WHERE id = " + id)).isEqualTo(1);
            }
            assertThatThrownBy(() -> statement.executeUpdate("UPDATE mailroom_ledger SET status = 'dead' WHERE id = " + id))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(fixture.sql.isCheckViolation(e))
                            .as("a CHECK violation: %s", e).isTrue());
        }
    }

    @Test
    void aLedgerWhoseTableWasNeverCreatedSaysSoAndNamesItsDatabasesScripts() throws Exception {
        CompensationLedger ledger = fixture.ledger().table("never_migrated").build();
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            assertThatThrownBy(() -> ledger.record(connection, "b", "op", 0, "{}", "r"))
                    .isInstanceOf(LedgerTableMissingException.class).hasMessageContaining("never_migrated")
                    .hasMessageContaining("migrate")
                    .hasMessageContaining("dev/mailroom/db/" + fixture.sql.dialect().name() + "/ledger/");
            connection.rollback();
        }
        assertThatThrownBy(() -> ledger.find(1)).isInstanceOf(LedgerTableMissingException.class);
    }

    @Test
    void aDatabaseThatIsDownGivesStoreUnavailableWithTheSqlState() {
        DataSource down = fixture.sql.unreachable();
        CompensationLedger ledger = CompensationLedger.builder(down).dialect(fixture.sql.dialect()).build();

        assertThatThrownBy(() -> ledger.processBatch("b"))
                .isInstanceOfSatisfying(StoreUnavailableException.class, e -> {
                    assertThat(e.sqlState()).startsWith("08");
                    assertThat(e.table()).isEqualTo("mailroom_ledger");
                });
        assertThatThrownBy(() -> CompensationLedger.builder(down).build())
                .as("without a dialect, building reads it from the database")
                .isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void settingsAreCheckedWhenTheLedgerIsBuilt() {
        assertThatThrownBy(() -> fixture.ledger().batchSize(0).build()).hasMessageContaining("batchSize");
        assertThatThrownBy(() -> fixture.ledger().lease(java.time.Duration.ofMillis(500)).build())
                .hasMessageContaining("lease must be at least 1 s");
        assertThatThrownBy(() -> fixture.ledger().executor("op", item -> { }).executor("op", item -> { }))
                .hasMessageContaining("already registered");
        assertThatThrownBy(() -> fixture.ledger().build().startWorker(" ")).hasMessageContaining("owner");
    }
}
