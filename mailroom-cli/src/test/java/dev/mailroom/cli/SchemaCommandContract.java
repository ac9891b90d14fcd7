package dev.mailroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.testkit.db.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code schema print|migrate|validate} against the database itself, on each database. */
abstract class SchemaCommandContract {

    private final TestDatabase database;
    private final String dialect;

    SchemaCommandContract(TestDatabase database, String dialect) {
        this.database = database;
        this.dialect = dialect;
    }

    @Test
    void printShowsTheOutboxAndSharedTablesDdlWithoutADatabase() {
        CliRun run = CliRun.of("schema", "print", "--dialect", dialect, "--service", "shipping", "--table", "shipping_outbox");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("CREATE TABLE IF NOT EXISTS shipping_outbox", "mailroom_audit",
                "mailroom_relay_instances").doesNotContain("${table}");
    }

    @Test
    void validateFailsUntilMigrateHasRunAndThenPasses() throws Exception {
        List<String> connection = connection();
        CliRun before = run("validate", connection, "-o", "json");
        assertThat(before.exitCode()).as(before.err()).isEqualTo(ExitCodes.FAILURE);
        assertThat(before.out()).contains("\"state\" : \"PENDING\"");

        CliRun migrate = run("migrate", connection);
        assertThat(migrate.exitCode()).as(migrate.err()).isZero();
        assertThat(migrate.out()).contains("outbox parcels_outbox: applied [1");
        assertThat(count("SELECT count(*) FROM parcels_outbox")).isZero();
        assertThat(run("migrate", connection).out()).contains("outbox parcels_outbox: up to date");

        CliRun after = run("validate", connection);
        assertThat(after.exitCode()).as(after.out() + after.err()).isZero();
        assertThat(after.out()).contains("APPLIED").doesNotContain("PENDING");
    }

    @Test
    void badValuesAreUsageErrorsThatTouchNothing() throws Exception {
        assertThat(CliRun.of("schema", "print", "--dialect", "oracle", "--service", "s", "--table", "t").exitCode())
                .isEqualTo(ExitCodes.USAGE);
        CliRun injection = run("migrate", connection("x; DROP TABLE mailroom_schema_history"));
        assertThat(injection.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(injection.err()).contains("table");
        CliRun badUrl = CliRun.of("schema", "migrate", "--service", "parcels", "--table", "parcels_outbox",
                "--jdbc-url", "jdbc:oracle:thin:@x");
        assertThat(badUrl.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badUrl.err()).contains("--jdbc-url");
    }

    private CliRun run(String command, List<String> connection, String... more) {
        List<String> args = new ArrayList<>(List.of("schema", command));
        args.addAll(connection);
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    private List<String> connection() {
        return connection("parcels_outbox");
    }

    private List<String> connection(String table) {
        List<String> args = new ArrayList<>(List.of("--service", "parcels", "--table", table,
                "--jdbc-url", database.jdbcUrl(), "--user", database.user()));
        if (database.password() != null && !database.password().isEmpty()) {
            args.addAll(List.of("--password", database.password()));
        }
        return args;
    }

    private long count(String query) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
