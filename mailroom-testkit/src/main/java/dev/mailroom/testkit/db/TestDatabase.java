package dev.mailroom.testkit.db;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * A database (PostgreSQL schema or MariaDB database) made fresh for one test class and dropped
 * after it, so tests never see each other's rows and can run again and again.
 *
 * <p>Sessions run in a non-UTC time zone ({@value #SESSION_TIME_ZONE}, UTC+12:45/+13:45) so that
 * code mixing local and UTC times fails visibly.
 */
public final class TestDatabase implements AutoCloseable {

    public static final String SESSION_TIME_ZONE = "Pacific/Chatham";

    private final String name;
    private final String jdbcUrl;
    private final DatabaseSettings settings;
    private final HikariDataSource dataSource;
    private final Runnable drop;

    TestDatabase(String name, String jdbcUrl, DatabaseSettings settings, String initSql, Runnable drop) {
        this.name = name;
        this.jdbcUrl = jdbcUrl;
        this.settings = settings;
        this.drop = drop;
        this.dataSource = new HikariDataSource();
        dataSource.setPoolName("test-" + name);
        dataSource.setJdbcUrl(jdbcUrl);
        dataSource.setUsername(settings.user());
        dataSource.setPassword(settings.password());
        dataSource.setMaximumPoolSize(12);
        dataSource.setMinimumIdle(0);
        dataSource.setConnectionInitSql(initSql);
    }

    /** The schema (PostgreSQL) or database (MariaDB) name. */
    public String name() {
        return name;
    }

    /** A pooled data source (up to 12 connections) whose sessions work in this database. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** The JDBC URL that selects this database, for code that opens its own connections. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String user() {
        return settings.user();
    }

    public String password() {
        return settings.password();
    }

    /** A new unpooled connection, for tests that must own (or kill) a session. */
    public Connection openConnection() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", settings.user());
        properties.setProperty("password", settings.password());
        return DriverManager.getConnection(jdbcUrl, properties);
    }

    @Override
    public void close() {
        dataSource.close();
        drop.run();
    }
}
