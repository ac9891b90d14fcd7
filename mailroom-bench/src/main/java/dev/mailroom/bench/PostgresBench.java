package dev.mailroom.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.testkit.db.DatabaseSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The benchmark on PostgreSQL: schema {@code mailroom_bench}, recreated; row writes of the outbox
 * table from {@code pg_stat_user_tables}, WAL written by the whole server.
 */
final class PostgresBench implements BenchDatabase {

    static final String NAME = "postgresql";
    static final String SCHEMA = "mailroom_bench";

    private final DatabaseSettings server;

    PostgresBench(DatabaseSettings server) {
        this.server = server;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SqlDialect dialect() {
        return SqlDialect.postgresql();
    }

    @Override
    public DatabaseSettings server() {
        return server;
    }

    @Override
    public HikariDataSource recreate(String poolName, int poolSize) throws SQLException {
        try (Connection connection = DriverManager.getConnection(server.url(), server.user(), server.password());
             Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            statement.execute("CREATE SCHEMA " + SCHEMA);
        }
        return open(poolName, poolSize);
    }

    @Override
    public HikariDataSource open(String poolName, int poolSize) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setPoolName(poolName);
        dataSource.setJdbcUrl(server.url() + (server.url().contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA);
        dataSource.setUsername(server.user());
        dataSource.setPassword(server.password());
        dataSource.setMaximumPoolSize(poolSize);
        return dataSource;
    }

    @Override
    public void reset(BenchEnvironment env, String table) throws SQLException {
        env.execute("TRUNCATE " + table + ", " + table + "_claims, " + table + "_relays, " + table
                + "_partition_claims RESTART IDENTITY");
        env.execute("UPDATE " + table + "_partitions SET owner = NULL, expires_at = NULL");
        analyze(env, table);
    }

    @Override
    public void analyze(BenchEnvironment env, String table) throws SQLException {
        env.execute("VACUUM ANALYZE " + table);
    }

    /**
     * PostgreSQL publishes a backend's statistics when it exits or after it was idle a while, so a
     * snapshot first closes the pool's idle connections, then waits until two reads a second apart agree.
     */
    @Override
    public DbStats stats(BenchEnvironment env) throws SQLException {
        env.dataSource.getHikariPoolMXBean().softEvictConnections();
        DbStats previous = read(env);
        for (int i = 0; i < 10; i++) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1100));
            DbStats current = read(env);
            if (current.inserts() == previous.inserts() && current.updates() == previous.updates()
                    && current.deletes() == previous.deletes()) {
                return current;
            }
            previous = current;
        }
        return previous;
    }

    private static DbStats read(BenchEnvironment env) throws SQLException {
        // summed over the partitions of a time-partitioned outbox (a plain table is its own only member)
        String row = env.queryString("SELECT sum(n_tup_ins) || ',' || sum(n_tup_upd) || ',' || sum(n_tup_hot_upd) || ','"
                + " || sum(n_tup_del) || ',' || pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint FROM pg_stat_user_tables"
                + " WHERE relid IN " + members(SCHEMA + "." + BenchEnvironment.TABLE));
        String[] parts = row.split(",");
        return new DbStats(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]),
                Long.parseLong(parts[3]), Long.parseLong(parts[4]));
    }

    /**
     * A table and, when it is partitioned (the time-partitioned outbox), its partitions, as a
     * subquery of relids ({@code pg_partition_tree} lists nothing for a plain table).
     */
    static String members(String table) {
        return "(SELECT '" + table + "'::regclass UNION SELECT relid FROM pg_partition_tree('" + table + "'))";
    }

    @Override
    public String statsScope() {
        return "row writes of the outbox table (pg_stat_user_tables); WAL bytes of the whole server";
    }

    @Override
    public Map<String, Object> writeCosts(DbStats delta, long events) {
        Map<String, Object> costs = new LinkedHashMap<>();
        costs.put("row_writes_per_event", Ceilings.round((double) delta.rowWrites() / events));
        costs.put("hot_updates_share", delta.updates() == 0 ? 0
                : Ceilings.round((double) delta.hotUpdates() / delta.updates()));
        costs.put("wal_bytes_per_event", Math.round((double) delta.logBytes() / events));
        return costs;
    }

    @Override
    public long tableBytes(BenchEnvironment env, String table) throws SQLException {
        return env.queryLong("SELECT sum(pg_total_relation_size(relid)) FROM " + members(table) + " AS members (relid)");
    }

    @Override
    public Map<String, Object> serverFacts(BenchEnvironment env) throws SQLException {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("postgresql", env.queryString("SHOW server_version"));
        facts.put("postgresql_settings", env.queryString("SELECT string_agg(name || '=' || setting, ', ' ORDER BY name)"
                + " FROM pg_settings WHERE name IN ('autovacuum', 'fsync', 'synchronous_commit', 'shared_buffers',"
                + " 'wal_level', 'max_wal_size')"));
        return facts;
    }

    /** One statement: the locked ids as an array (PostgreSQL takes {@code LIMIT} in the subquery). */
    @Override
    public int claimAndMarkPublished(Connection connection, String table, int limit) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("UPDATE " + table + " SET status = 'published',"
                + " published_at = now(), updated_at = now() WHERE id = ANY(ARRAY(SELECT id FROM " + table
                + " WHERE status = 'pending' ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED))")) {
            statement.setInt(1, limit);
            return statement.executeUpdate();
        }
    }

    /** The outbox table's scans and tuples read in the current transaction ({@code pg_stat_xact_user_tables}). */
    @Override
    public Map<String, Long> sessionReads(Connection connection) throws SQLException {
        Map<String, Long> reads = new LinkedHashMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT seq_scan, seq_tup_read, COALESCE(idx_scan, 0),"
                     + " COALESCE(idx_tup_fetch, 0) FROM pg_stat_xact_user_tables WHERE schemaname = '" + SCHEMA
                     + "' AND relname = '" + BenchEnvironment.TABLE + "'")) {
            rs.next();
            reads.put("seq_scan", rs.getLong(1));
            reads.put("seq_tup_read", rs.getLong(2));
            reads.put("idx_scan", rs.getLong(3));
            reads.put("idx_tup_fetch", rs.getLong(4));
        }
        return reads;
    }

    @Override
    public String relayDefaults() {
        return "asynchronous commit of bookkeeping, LISTEN/NOTIFY wake-up";
    }

    @Override
    public boolean runsPeers() {
        return true;
    }
}
