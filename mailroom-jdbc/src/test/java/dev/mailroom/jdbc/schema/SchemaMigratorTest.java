package dev.mailroom.jdbc.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.jdbc.OutboxFixture;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.routing.ServiceRoute;
import dev.mailroom.state.OutboxState;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@WithPostgres
class SchemaMigratorTest {

    private final TestDatabase database;
    private final SchemaMigrator migrator;

    SchemaMigratorTest(TestDatabase database) {
        this.database = database;
        this.migrator = new SchemaMigrator(database.dataSource(), SqlDialect.postgresql());
    }

    private static ServiceRoute service(String name) {
        return RouteRegistry.builder().service(name, s -> s.table(name + "_outbox").topic(name).event(name + ".x"))
                .build().service(name);
    }

    @Test
    void migratingTwiceAppliesEachVersionOnce() throws Exception {
        ServiceRoute service = service("twice");
        assertThat(migrator.migrateOutbox(service)).containsExactly(1, 2, 3);
        assertThat(migrator.migrateOutbox(service)).isEmpty();
        assertThat(historyRows("outbox:twice_outbox")).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM pg_indexes WHERE tablename = 'twice_outbox'")).isEqualTo(6);
    }

    @Test
    void migratingFromSeveralProcessesAtOnceLeavesOneCorrectSchema() throws Exception {
        ServiceRoute service = service("racing");
        int migrators = 4;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(migrators);
        List<Future<List<Integer>>> results = new ArrayList<>();
        for (int i = 0; i < migrators; i++) {
            SchemaMigrator own = new SchemaMigrator(database.dataSource(), SqlDialect.postgresql());
            results.add(pool.submit(() -> {
                start.await();
                return own.migrateOutbox(service);
            }));
        }
        start.countDown();
        List<Integer> appliedVersions = new ArrayList<>();
        for (Future<List<Integer>> result : results) {
            appliedVersions.addAll(result.get(1, TimeUnit.MINUTES));
        }
        pool.shutdown();
        assertThat(appliedVersions).as("each version applied by exactly one migrator").containsExactlyInAnyOrder(1, 2, 3);
        assertThat(historyRows("outbox:racing_outbox")).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM pg_trigger WHERE tgname = 'racing_outbox_notify'")).isEqualTo(1);
    }

    @Test
    void theStatusCheckConstraintAllowsExactlyTheStateMachinesStates() throws Exception {
        ServiceRoute service = service("checked");
        migrator.migrateOutbox(service);
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            for (OutboxState state : OutboxState.values()) {
                statement.executeUpdate("INSERT INTO checked_outbox (event_type, payload, status) VALUES ('t', 'x', '"
                        + state.dbValue() + "')");
            }
            assertThatThrownBy(() -> statement.executeUpdate(
                    "INSERT INTO checked_outbox (event_type, payload, status) VALUES ('t', 'x', 'archived')"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23514"));
        }
    }

    @Test
    void aScriptChangedAfterItWasAppliedIsRefused() throws Exception {
        ServiceRoute service = service("edited");
        migrator.migrateOutbox(service);
        execute("UPDATE mailroom_schema_history SET checksum = checksum + 1 WHERE scope = 'outbox:edited_outbox'");
        assertThatThrownBy(() -> migrator.migrateOutbox(service))
                .isInstanceOf(MigrationException.class)
                .hasMessageContaining("changed after it was applied");
    }

    @Test
    void migrateCoversEveryServiceOfTheRegistryAndRenderShowsTheSql() throws Exception {
        assertThat(migrator.migrate(OutboxFixture.ROUTES)).containsKeys("orders", "billing");
        assertThat(count("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
                + " AND table_name IN ('orders_outbox', 'billing_outbox')")).isEqualTo(2);
        String sql = migrator.render(OutboxFixture.ORDERS);
        assertThat(sql).contains("CREATE TABLE IF NOT EXISTS orders_outbox")
                .contains("mailroom_notify('mailroom_orders')")
                .doesNotContain("${");
    }

    private long historyRows(String scope) throws SQLException {
        return count("SELECT count(*) FROM mailroom_schema_history WHERE scope = '" + scope + "'");
    }

    private long count(String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             var rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
