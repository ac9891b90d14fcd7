package dev.mailroom.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.schema.MigrationStatus;
import dev.mailroom.jdbc.schema.SchemaMigrator;
import dev.mailroom.routing.ServiceRoute;
import dev.mailroom.routing.TableName;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code schema print|migrate|validate}: a service's outbox table and the tables services share,
 * against the database directly (the only commands that do not go through the server).
 */
@Command(name = "schema", mixinStandardHelpOptions = true,
        description = "Print, apply or check the versioned DDL of a service's outbox and the shared tables.")
final class SchemaCommand {

    @Spec
    CommandSpec spec;

    @Command(name = "print", mixinStandardHelpOptions = true, description = "The DDL, to review or copy into your own migrations.")
    int print(@Mixin Table table,
              @Option(names = "--dialect", required = true, description = "postgresql or mariadb.") String dialect) {
        SqlDialect sql = switch (dialect) {
            case "postgresql" -> SqlDialect.postgresql();
            case "mariadb", "mysql" -> SqlDialect.mariadb();
            default -> throw new ParameterException(spec.commandLine(), "--dialect must be postgresql or mariadb, was '"
                    + dialect + "'");
        };
        SchemaMigrator migrator = new SchemaMigrator(unusedDataSource(), sql);
        PrintWriter out = spec.commandLine().getOut();
        out.print(migrator.render(table.route(spec)));
        out.print(migrator.renderOperations());
        out.flush();
        return ExitCodes.OK;
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true,
            description = "Creates or upgrades the outbox table and the shared tables (safe to run from several places at once).")
    int migrate(@Mixin Table table, @Mixin Database database,
                @Option(names = "--time-partitions", paramLabel = "WIDTH", description = "PostgreSQL: then move the"
                        + " outbox table to the time-partitioned layout, one partition per WIDTH (ISO-8601: PT1H, P1D),"
                        + " which the relays' retention drops whole; copies every row under a lock (README, Operate).")
                Duration timePartitions) {
        if (timePartitions != null && (timePartitions.getSeconds() < 1 || timePartitions.getNano() != 0)) {
            throw new ParameterException(spec.commandLine(),
                    "--time-partitions must be whole seconds, at least one, was " + timePartitions);
        }
        DataSource dataSource = database.dataSource(spec);
        SchemaMigrator migrator = new SchemaMigrator(dataSource, SqlDialect.detect(dataSource));
        List<Integer> outbox = migrator.migrateOutbox(table.route(spec));
        List<Integer> shared = migrator.migrateOperations();
        PrintWriter out = spec.commandLine().getOut();
        out.println("outbox " + table.table + ": " + (outbox.isEmpty() ? "up to date" : "applied " + outbox));
        out.println("shared tables: " + (shared.isEmpty() ? "up to date" : "applied " + shared));
        if (timePartitions != null) {
            List<Integer> layout = migrator.migrateToTimePartitions(table.route(spec), timePartitions);
            out.println("time-partitioned layout: " + (layout.isEmpty() ? "in place already" : "applied " + layout));
        }
        out.flush();
        return ExitCodes.OK;
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Whether every version is applied as shipped; exits 1 when one is pending or was changed.")
    int validate(@Mixin Table table, @Mixin Database database,
                 @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json.")
                 Output.Format format) {
        DataSource dataSource = database.dataSource(spec);
        List<MigrationStatus> status = new SchemaMigrator(dataSource, SqlDialect.detect(dataSource))
                .status(table.route(spec));
        ArrayNode rows = AdminClient.JSON.valueToTree(status);
        new Output(format, spec.commandLine().getOut()).rows(rows, Output.Columns.of()
                .field("SCOPE", "scope").field("VERSION", "version").field("DESCRIPTION", "description")
                .field("STATE", "state"));
        boolean current = status.stream().allMatch(each -> each.state() == MigrationStatus.State.APPLIED);
        return current ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    /** Scripts are rendered without a connection: none is ever opened. */
    private static DataSource unusedDataSource() {
        return new PGSimpleDataSource();
    }

    /** The service and its outbox table. */
    static final class Table {

        @Option(names = {"-s", "--service"}, required = true, description = "The service (names its NOTIFY channel).")
        String service;

        @Option(names = "--table", required = true, description = "Its outbox table, table or schema.table.")
        String table;

        ServiceRoute route(CommandSpec spec) {
            try {
                return new ServiceRoute(service, TableName.of(table), "unused", service + "-consumers");
            } catch (RuntimeException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
    }

    /** The database to work on. */
    static final class Database {

        @Option(names = "--jdbc-url", required = true, defaultValue = "${env:MAILROOM_DATABASE_URL}",
                description = "jdbc:postgresql://... or jdbc:mariadb://... (default: $MAILROOM_DATABASE_URL).")
        String url;

        @Option(names = "--user", defaultValue = "${env:MAILROOM_DATABASE_USER}", description = "Database user.")
        String user;

        @Option(names = "--password", defaultValue = "${env:MAILROOM_DATABASE_PASSWORD}", arity = "0..1",
                interactive = true, description = "Password (default: $MAILROOM_DATABASE_PASSWORD).")
        String password;

        DataSource dataSource(CommandSpec spec) {
            if (url.startsWith("jdbc:postgresql:")) {
                PGSimpleDataSource dataSource = new PGSimpleDataSource();
                dataSource.setURL(url);
                if (user != null) {
                    dataSource.setUser(user);
                }
                if (password != null) {
                    dataSource.setPassword(password);
                }
                return dataSource;
            }
            if (url.startsWith("jdbc:mariadb:") || url.startsWith("jdbc:mysql:")) {
                try {
                    MariaDbDataSource dataSource = new MariaDbDataSource(url);
                    if (user != null) {
                        dataSource.setUser(user);
                    }
                    if (password != null) {
                        dataSource.setPassword(password);
                    }
                    return dataSource;
                } catch (SQLException e) {
                    throw new ParameterException(spec.commandLine(), "--jdbc-url: " + e.getMessage());
                }
            }
            throw new ParameterException(spec.commandLine(), "--jdbc-url must start with jdbc:postgresql:, jdbc:mariadb:"
                    + " or jdbc:mysql:, was '" + url + "'");
        }
    }
}
