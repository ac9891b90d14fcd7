package dev.mailroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@WithPostgres
class SchemaCommandPostgresTest extends SchemaCommandContract {

    private final TestDatabase database;

    SchemaCommandPostgresTest(TestDatabase database) {
        super(database, "postgresql");
        this.database = database;
    }

    @Test
    void migrateWithTimePartitionsMovesTheTableToTheLayoutOnceAndRefusesAPartSecondWidth() throws Exception {
        String[] connection = {"--service", "crates", "--table", "crates_outbox", "--jdbc-url", database.jdbcUrl(),
                "--user", database.user()};
        CliRun bad = CliRun.of(concat(connection, "--time-partitions", "PT0.5S"));
        assertThat(bad.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("whole seconds");
        assertThat(relkind()).as("nothing created").isNull();

        CliRun migrate = CliRun.of(concat(connection, "--time-partitions", "PT1H"));
        assertThat(migrate.exitCode()).as(migrate.err()).isZero();
        assertThat(migrate.out()).contains("time-partitioned layout: applied [1]");
        assertThat(relkind()).isEqualTo("p");
        assertThat(CliRun.of(concat(connection, "--time-partitions", "PT1H")).out())
                .contains("time-partitioned layout: in place already");
    }

    private String[] concat(String[] connection, String... more) {
        List<String> args = new ArrayList<>(List.of("schema", "migrate"));
        args.addAll(List.of(connection));
        if (database.password() != null && !database.password().isEmpty()) {
            args.addAll(List.of("--password", database.password()));
        }
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private String relkind() throws Exception {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT relkind FROM pg_class WHERE oid = to_regclass('crates_outbox')")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
