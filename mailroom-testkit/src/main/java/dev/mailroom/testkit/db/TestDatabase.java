package dev.mailroom.testkit.db;

import com.zaxxer.hikari.HikariDataSource;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
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
    private final String initSql;
    private final HikariDataSource dataSource;
    private final Runnable drop;

    TestDatabase(String name, String jdbcUrl, DatabaseSettings settings, String initSql, Runnable drop) {
        this.name = name;
        this.jdbcUrl = jdbcUrl;
        this.settings = settings;
        this.initSql = initSql;
        this.drop = drop;
        this.dataSource = pool("test-" + name, jdbcUrl);
    }

    private HikariDataSource pool(String poolName, String url) {
        HikariDataSource pool = new HikariDataSource();
        pool.setPoolName(poolName);
        pool.setJdbcUrl(url);
        pool.setUsername(settings.user());
        pool.setPassword(settings.password());
        pool.setMaximumPoolSize(12);
        pool.setMinimumIdle(0);
        pool.setConnectionInitSql(initSql);
        return pool;
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

    /** Where the database server listens, read from the JDBC URL. */
    public InetSocketAddress serverAddress() {
        return TestDatabases.hostAndPort(jdbcUrl);
    }

    /**
     * A new pool (the caller closes it) for this database whose connections go to {@code host:port}
     * instead, such as a {@code TcpProxy} in front of the server, and that gives up on getting a
     * connection after {@code connectionTimeout} (at least 250 ms): what a test needs to stage a
     * database outage.
     */
    public HikariDataSource dataSourceVia(String host, int port, Duration connectionTimeout) {
        HikariDataSource pool = pool("test-" + name + "-via-" + port, TestDatabases.replaceHostAndPort(jdbcUrl, host, port));
        pool.setConnectionTimeout(connectionTimeout.toMillis());
        return pool;
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
