package dev.mailroom.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.testkit.db.DatabaseSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * What differs per database in the benchmark, in one place per database: where the benchmark's
 * schema lives, how the outbox is emptied and its statistics refreshed, what the server counts of
 * the work done, and the naive claim that sets the claim ceiling.
 */
interface BenchDatabase {

    /** {@code postgresql} or {@code mariadb}, as given to {@code --database}. */
    static BenchDatabase named(String name) {
        return switch (name) {
            case PostgresBench.NAME -> new PostgresBench(DatabaseSettings.postgres());
            case MariaDbBench.NAME -> new MariaDbBench(DatabaseSettings.mariaDb());
            default -> throw new IllegalArgumentException("unknown database '" + name + "': postgresql or mariadb");
        };
    }

    String name();

    SqlDialect dialect();

    /** Where the server is (environment variables, or the local server). */
    DatabaseSettings server();

    /** Drops and recreates the benchmark's schema (PostgreSQL) or database (MariaDB); returns a pool onto it. */
    HikariDataSource recreate(String poolName, int poolSize) throws SQLException;

    /** A second pool onto the benchmark's schema, for producers the relay does not hear. */
    HikariDataSource open(String poolName, int poolSize);

    /** Empties the table, restarting its ids, and refreshes its statistics. */
    void reset(BenchEnvironment env, String table) throws SQLException;

    /** Refreshes the table's statistics after a bulk load. */
    void analyze(BenchEnvironment env, String table) throws SQLException;

    /** The server's counts of row writes and log bytes now, settled (see each database). */
    DbStats stats(BenchEnvironment env) throws SQLException;

    /** What the counts cover, for the result. */
    String statsScope();

    /** Row writes, log bytes (and the like) per event of a delta, named with their units. */
    Map<String, Object> writeCosts(DbStats delta, long events);

    /** The table with its indexes, in bytes. */
    long tableBytes(BenchEnvironment env, String table) throws SQLException;

    /** The server's version and the settings that shape the figures. */
    Map<String, Object> serverFacts(BenchEnvironment env) throws SQLException;

    /**
     * The naive claim, in the caller's transaction: locks up to {@code limit} pending rows in id order,
     * skipping locked ones, and marks them published; returns how many. No key order, no bookkeeping.
     */
    int claimAndMarkPublished(Connection connection, String table, int limit) throws SQLException;

    /** The server's read counters of this session's work so far (MariaDB: of the session; PostgreSQL: of the transaction). */
    Map<String, Long> sessionReads(Connection connection) throws SQLException;

    /** How the relay's defaults run on this database, for the result's settings. */
    String relayDefaults();

    /** Whether the PostgreSQL peers (gruelbox, Debezium) can run here. */
    boolean runsPeers();
}
