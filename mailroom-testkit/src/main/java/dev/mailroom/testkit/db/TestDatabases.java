package dev.mailroom.testkit.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** Creates and drops the fresh databases behind {@link TestDatabase}. */
public final class TestDatabases {

    private TestDatabases() {
    }

    /**
     * A fresh PostgreSQL schema, set as the search path of every pooled connection. The sessions are
     * named after the schema ({@code application_name}), so a test that terminates sessions can
     * pick its own: {@code WHERE application_name = current_setting('application_name')}.
     */
    public static TestDatabase freshPostgresSchema(String label) {
        return freshPostgresSchema(DatabaseSettings.postgres(), label);
    }

    /** A fresh schema as {@link #freshPostgresSchema(String)}, on the PostgreSQL server of {@code settings}. */
    public static TestDatabase freshPostgresSchema(DatabaseSettings settings, String label) {
        String schema = uniqueName(label);
        execute(settings, "CREATE SCHEMA " + schema);
        String url = settings.url() + (settings.url().contains("?") ? "&" : "?") + "currentSchema=" + schema
                + "&ApplicationName=" + schema;
        return new TestDatabase(schema, url, settings,
                "SET TIME ZONE '" + TestDatabase.SESSION_TIME_ZONE + "'",
                () -> execute(settings, "DROP SCHEMA IF EXISTS " + schema + " CASCADE"));
    }

    /** A fresh MariaDB database. */
    public static TestDatabase freshMariaDbDatabase(String label) {
        DatabaseSettings settings = DatabaseSettings.mariaDb();
        String database = uniqueName(label);
        execute(settings, "CREATE DATABASE " + database);
        String url = replaceDatabase(settings.url(), database);
        return new TestDatabase(database, url, settings,
                "SET time_zone = '+12:45'",
                () -> execute(settings, "DROP DATABASE IF EXISTS " + database));
    }

    /**
     * A data source pointing at a loopback port where nothing listens, with a 2 s connect timeout:
     * what a store sees when its database is down.
     */
    public static DataSource unreachablePostgres() {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
        PGSimpleDataSource down = new PGSimpleDataSource();
        down.setUrl("jdbc:postgresql://127.0.0.1:" + closedPort + "/test");
        down.setUser("postgres");
        down.setConnectTimeout(2);
        return down;
    }

    /** {@code mr_<label>_<random>}: lowercase, at most 40 characters, safe as an identifier. */
    static String uniqueName(String label) {
        String cleaned = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        if (cleaned.length() > 24) {
            cleaned = cleaned.substring(cleaned.length() - 24);
        }
        String suffix = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36 * 36), 36);
        return "mr_" + cleaned + "_" + suffix;
    }

    static String replaceDatabase(String url, String database) {
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        String params = query < 0 ? "" : url.substring(query);
        int slash = base.indexOf('/', base.indexOf("//") + 2);
        return (slash < 0 ? base : base.substring(0, slash)) + "/" + database + params;
    }

    /** The {@code host:port} of a {@code jdbc:<driver>://host[:port]/...} URL (port 5432 when absent). */
    static InetSocketAddress hostAndPort(String url) {
        String authority = authority(url);
        int colon = authority.lastIndexOf(':');
        return colon < 0 ? new InetSocketAddress(authority, 5432)
                : new InetSocketAddress(authority.substring(0, colon), Integer.parseInt(authority.substring(colon + 1)));
    }

    static String replaceHostAndPort(String url, String host, int port) {
        int start = url.indexOf("//") + 2;
        return url.substring(0, start) + host + ":" + port + url.substring(start + authority(url).length());
    }

    private static String authority(String url) {
        int start = url.indexOf("//");
        if (start < 0) {
            throw new IllegalArgumentException("not a jdbc:<driver>://host:port/... URL: " + url);
        }
        start += 2;
        int end = start;
        while (end < url.length() && "/?".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        return url.substring(start, end);
    }

    private static void execute(DatabaseSettings settings, String sql) {
        Properties properties = new Properties();
        properties.setProperty("user", settings.user());
        properties.setProperty("password", settings.password());
        try (Connection connection = DriverManager.getConnection(settings.url(), properties);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Test database at " + settings + " failed '" + sql + "': "
                    + e.getMessage() + " (set MAILROOM_PG_URL / MAILROOM_MARIADB_URL to point elsewhere)", e);
        }
    }
}
