package dev.mailroom.jdbc.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.jdbc.JdbcTestSql;
import dev.mailroom.jdbc.OutboxFixture;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.dialect.SqlErrorKind;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.routing.ServiceRoute;
import dev.mailroom.state.OutboxState;
import dev.mailroom.testkit.db.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Migrations on each database: every version applied once, also with several migrators at once
 * (each on its own connection, serialized by the dialect's session lock), recorded in the history
 * table, and an applied script that changed refused.
 */
abstract class SchemaMigratorContract {

    private TestDatabase database;
    private SqlDialect dialect;
    private JdbcTestSql sql;
    private SchemaMigrator migrator;
    private List<MigrationScript> scripts;

    @BeforeEach
    void setUp(TestDatabase database) {
        this.database = database;
        this.dialect = SqlDialect.detect(database.dataSource());
        this.sql = new JdbcTestSql(dialect);
        this.migrator = new SchemaMigrator(database.dataSource(), dialect);
        this.scripts = MigrationScript.load(dialect.outboxMigrationsPath());
    }

    static ServiceRoute service(String name) {
        return RouteRegistry.builder().service(name, s -> s.table(name + "_outbox").topic(name).event(name + ".x"))
                .build().service(name);
    }

    private List<Integer> versions() {
        return scripts.stream().map(MigrationScript::version).toList();
    }

    @Test
    void migratingTwiceAppliesEachVersionOnceAndRecordsEachScriptInTheHistory() throws Exception {
        ServiceRoute service = service("twice");
        assertThat(versions()).isNotEmpty().startsWith(1);
        assertThat(migrator.migrateOutbox(service)).containsExactlyElementsOf(versions());
        assertThat(migrator.migrateOutbox(service)).isEmpty();

        List<String> history = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT version, description, checksum, installed_at"
                     + " FROM mailroom_schema_history WHERE scope = ? ORDER BY version")) {
            query.setString(1, "outbox:twice_outbox");
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    assertThat(rs.getTimestamp(4)).isNotNull();
                    history.add(rs.getInt(1) + " " + rs.getString(2) + " " + rs.getLong(3));
                }
            }
        }
        Map<String, String> placeholders = Map.of("table", "twice_outbox", "table_name", "twice_outbox",
                "channel", service.notifyChannel());
        assertThat(history).containsExactlyElementsOf(scripts.stream().map(script -> script.version() + " "
                + script.description() + " " + MigrationScript.checksum(script.render(placeholders))).toList());
        assertThat(schemaObjects("twice_outbox")).contains("twice_outbox_key_order_idx", "twice_outbox_retry_idx")
                .doesNotHaveDuplicates();
    }

    @Test
    void migratingFromSeveralProcessesAtOnceLeavesOneCorrectSchema() throws Exception {
        migrator.migrateOutbox(service("alone"));
        ServiceRoute service = service("racing");
        int migrators = 4;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(migrators);
        List<Future<List<Integer>>> results = new ArrayList<>();
        for (int i = 0; i < migrators; i++) {
            SchemaMigrator own = new SchemaMigrator(database.dataSource(), dialect);
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
        assertThat(appliedVersions).as("each version applied by exactly one migrator")
                .containsExactlyInAnyOrderElementsOf(versions());
        assertThat(historyRows("outbox:racing_outbox")).isEqualTo(versions().size());
        assertThat(schemaObjects("racing_outbox")).as("what one migrator alone creates")
                .containsExactlyInAnyOrderElementsOf(schemaObjects("alone_outbox").stream()
                        .map(name -> name.replace("alone_", "racing_")).toList());
    }

    @Test
    void aMigratorWaitsWhileAnotherHoldsTheMigrationLock() throws Exception {
        ServiceRoute service = service("waiting");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection other = database.openConnection()) {
            Future<List<Integer>> waiting;
            try (SqlDialect.MigrationLock held = dialect.lockMigrations(other)) {
                waiting = pool.submit(() -> new SchemaMigrator(database.dataSource(), dialect).migrateOutbox(service));
                assertThatThrownBy(() -> waiting.get(1, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
                assertThat(count("SELECT count(*) FROM information_schema.tables WHERE table_schema = "
                        + sql.currentSchema() + " AND table_name = 'waiting_outbox'")).as("nothing ran yet").isZero();
            }
            assertThat(waiting.get(1, TimeUnit.MINUTES)).containsExactlyElementsOf(versions());
        } finally {
            pool.shutdown();
        }
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
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getSQLState()).as("integrity constraint violation").startsWith("23");
                        assertThat(dialect.classify(e)).isEqualTo(SqlErrorKind.INVALID_DATA);
                    });
        }
        assertThat(count("SELECT count(*) FROM checked_outbox")).isEqualTo(OutboxState.values().length);
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
        assertThat(count("SELECT count(*) FROM information_schema.tables WHERE table_schema = " + sql.currentSchema()
                + " AND table_name IN ('orders_outbox', 'billing_outbox')")).isEqualTo(2);
        String rendered = migrator.render(OutboxFixture.ORDERS);
        assertThat(rendered).contains("CREATE TABLE IF NOT EXISTS orders_outbox")
                .contains("orders_outbox_key_order_idx")
                .doesNotContain("${");
    }

    private List<String> schemaObjects(String table) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql.schemaObjectsOf(table))) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private long historyRows(String scope) throws SQLException {
        return count("SELECT count(*) FROM mailroom_schema_history WHERE scope = '" + scope + "'");
    }

    private long count(String query) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             var rs = statement.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    void execute(String statementSql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(statementSql);
        }
    }
}
