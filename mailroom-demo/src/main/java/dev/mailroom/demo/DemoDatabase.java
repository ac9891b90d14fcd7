package dev.mailroom.demo;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The demo's database. PostgreSQL (the default): the one at {@code MAILROOM_PG_URL} (default the
 * local server); when none answers, an embedded one (zonky), which works for a non-root user;
 * otherwise a clear failure naming the settings to change. The demo works in its own schema,
 * recreated on every run. MariaDB ({@code MAILROOM_DB=mariadb}): the one at
 * {@code MAILROOM_MARIADB_URL}, in its own database, recreated on every run.
 */
final class DemoDatabase implements AutoCloseable {

    private final HikariDataSource dataSource;
    private final EmbeddedPostgres embedded;
    private final String description;

    private DemoDatabase(HikariDataSource dataSource, EmbeddedPostgres embedded, String description) {
        this.dataSource = dataSource;
        this.embedded = embedded;
        this.description = description;
    }

    static DemoDatabase open(DemoSettings settings) throws SQLException {
        if (settings.database().equals(DemoSettings.MARIADB)) {
            return openMariaDb(settings);
        }
        try {
            return open(settings.pgUrl(), settings.pgUser(), settings.pgPassword(), settings.schema(), null);
        } catch (SQLException unreachable) {
            System.out.println("No PostgreSQL at " + settings.pgUrl() + " (" + unreachable.getMessage()
                    + "); trying an embedded PostgreSQL");
            EmbeddedPostgres embedded;
            try {
                embedded = EmbeddedPostgres.builder().start();
            } catch (IOException | RuntimeException e) {
                throw new SQLException("No PostgreSQL at " + settings.pgUrl() + " and no embedded one could start ("
                        + e.getMessage() + "; it refuses to run as root). Point MAILROOM_PG_URL, MAILROOM_PG_USER and"
                        + " MAILROOM_PG_PASSWORD at a PostgreSQL 13+ server.", unreachable);
            }
            return open(embedded.getJdbcUrl("postgres", "postgres"), "postgres", "", settings.schema(), embedded);
        }
    }

    private static DemoDatabase open(String url, String user, String password, String schema, EmbeddedPostgres embedded)
            throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, user, password);
             Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            statement.execute("CREATE SCHEMA " + schema);
        }
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setPoolName("demo");
        dataSource.setJdbcUrl(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        dataSource.setUsername(user);
        dataSource.setPassword(password);
        dataSource.setMaximumPoolSize(12);
        return new DemoDatabase(dataSource, embedded,
                (embedded != null ? "embedded " : "") + "PostgreSQL " + url + ", schema " + schema);
    }

    private static DemoDatabase openMariaDb(DemoSettings settings) throws SQLException {
        String url = settings.mariaDbUrl();
        try (Connection connection = DriverManager.getConnection(url, settings.mariaDbUser(), settings.mariaDbPassword());
             Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + settings.schema());
            statement.execute("CREATE DATABASE " + settings.schema());
        } catch (SQLException e) {
            throw new SQLException("No MariaDB at " + url + " (" + e.getMessage() + "). Point MAILROOM_MARIADB_URL,"
                    + " MAILROOM_MARIADB_USER and MAILROOM_MARIADB_PASSWORD at a MariaDB 10.6+ server.", e);
        }
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setPoolName("demo");
        dataSource.setJdbcUrl(withDatabase(url, settings.schema()));
        dataSource.setUsername(settings.mariaDbUser());
        dataSource.setPassword(settings.mariaDbPassword());
        dataSource.setMaximumPoolSize(12);
        return new DemoDatabase(dataSource, null, "MariaDB " + url + ", database " + settings.schema());
    }

    /** The URL with its database replaced ({@code jdbc:mariadb://host:port/<database>?params}). */
    private static String withDatabase(String url, String database) {
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        int slash = base.indexOf('/', base.indexOf("//") + 2);
        return (slash < 0 ? base : base.substring(0, slash)) + "/" + database + (query < 0 ? "" : url.substring(query));
    }

    HikariDataSource dataSource() {
        return dataSource;
    }

    String description() {
        return description;
    }

    @Override
    public void close() throws IOException {
        dataSource.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
