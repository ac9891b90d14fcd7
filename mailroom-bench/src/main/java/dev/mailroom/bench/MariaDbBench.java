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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark on MariaDB: database {@code mailroom_bench}, recreated. MariaDB counts row writes
 * per table only with {@code userstat} on (a server-wide setting this harness leaves alone), so the
 * counts are the server's own ({@code Handler_write}, {@code Handler_update}, {@code Handler_delete},
 * {@code Innodb_lsn_current}): they include whatever else runs on the server meanwhile.
 */
final class MariaDbBench implements BenchDatabase {

    static final String NAME = "mariadb";
    static final String DATABASE = "mailroom_bench";

    private final DatabaseSettings server;

    MariaDbBench(DatabaseSettings server) {
        this.server = server;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SqlDialect dialect() {
        return SqlDialect.mariadb();
    }

    @Override
    public DatabaseSettings server() {
        return server;
    }

    @Override
    public HikariDataSource recreate(String poolName, int poolSize) throws SQLException {
        try (Connection connection = DriverManager.getConnection(server.url(), server.user(), server.password());
             Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + DATABASE);
            statement.execute("CREATE DATABASE " + DATABASE);
        }
        return open(poolName, poolSize);
    }

    @Override
    public HikariDataSource open(String poolName, int poolSize) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setPoolName(poolName);
        dataSource.setJdbcUrl(withDatabase(server.url(), DATABASE));
        dataSource.setUsername(server.user());
        dataSource.setPassword(server.password());
        dataSource.setMaximumPoolSize(poolSize);
        return dataSource;
    }

    /** The URL with its database replaced ({@code jdbc:mariadb://host:port/<database>?params}). */
    static String withDatabase(String url, String database) {
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        int slash = base.indexOf('/', base.indexOf("//") + 2);
        return (slash < 0 ? base : base.substring(0, slash)) + "/" + database + (query < 0 ? "" : url.substring(query));
    }

    /** {@code TRUNCATE} recreates the table, so its ids start at 1 again. */
    @Override
    public void reset(BenchEnvironment env, String table) throws SQLException {
        env.execute("TRUNCATE TABLE " + table);
        env.execute("TRUNCATE TABLE " + table + "_claims");
        analyze(env, table);
    }

    @Override
    public void analyze(BenchEnvironment env, String table) throws SQLException {
        env.query("ANALYZE TABLE " + table, rs -> null);
    }

    /** Read at once: the server's status counters are current. */
    @Override
    public DbStats stats(BenchEnvironment env) throws SQLException {
        Map<String, Long> status = env.query("SHOW GLOBAL STATUS WHERE Variable_name IN ('Handler_write',"
                + " 'Handler_update', 'Handler_delete', 'Innodb_lsn_current')", rs -> {
                    Map<String, Long> values = new LinkedHashMap<>();
                    while (rs.next()) {
                        values.put(rs.getString(1), rs.getLong(2));
                    }
                    return values;
                });
        return new DbStats(status.get("Handler_write"), status.get("Handler_update"), 0, status.get("Handler_delete"),
                status.get("Innodb_lsn_current"));
    }

    @Override
    public String statsScope() {
        return "server-wide (Handler_write/update/delete, Innodb_lsn_current): other sessions' work on the server"
                + " meanwhile is counted too, and so are the rows the key-ordered claim's derived tables write";
    }

    @Override
    public Map<String, Object> writeCosts(DbStats delta, long events) {
        Map<String, Object> costs = new LinkedHashMap<>();
        costs.put("row_writes_per_event_server_wide", Ceilings.round((double) delta.rowWrites() / events));
        costs.put("redo_log_bytes_per_event_server_wide", Math.round((double) delta.logBytes() / events));
        return costs;
    }

    /** From {@code information_schema} (InnoDB's estimate, refreshed by {@code ANALYZE TABLE}). */
    @Override
    public long tableBytes(BenchEnvironment env, String table) throws SQLException {
        analyze(env, table);
        return env.queryLong("SELECT data_length + index_length FROM information_schema.tables"
                + " WHERE table_schema = DATABASE() AND table_name = '" + table + "'");
    }

    @Override
    public Map<String, Object> serverFacts(BenchEnvironment env) throws SQLException {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("mariadb", env.queryString("SELECT VERSION()"));
        facts.put("mariadb_settings", env.query("SHOW GLOBAL VARIABLES WHERE Variable_name IN ("
                + "'innodb_buffer_pool_size', 'innodb_flush_log_at_trx_commit', 'innodb_log_file_size', 'log_bin',"
                + " 'sync_binlog', 'transaction_isolation', 'innodb_flush_method')", rs -> {
                    List<String> settings = new ArrayList<>();
                    while (rs.next()) {
                        settings.add(rs.getString(1) + "=" + rs.getString(2));
                    }
                    return String.join(", ", settings);
                }));
        return facts;
    }

    /**
     * Two statements (MariaDB refuses {@code LIMIT} in an {@code IN} subquery and has no arrays): the
     * locking read, then an update by the id list. The session's own isolation level (the server's
     * default unless the caller set one).
     */
    @Override
    public int claimAndMarkPublished(Connection connection, String table, int limit) throws SQLException {
        List<Long> ids = new ArrayList<>(limit);
        try (PreparedStatement lock = connection.prepareStatement("SELECT id FROM " + table
                + " WHERE status = 'pending' ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED")) {
            lock.setInt(1, limit);
            try (ResultSet rs = lock.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        if (ids.isEmpty()) {
            return 0;
        }
        StringBuilder update = new StringBuilder("UPDATE ").append(table).append(" SET status = 'published',"
                + " published_time = UTC_TIMESTAMP(6), updated_at = UTC_TIMESTAMP(6) WHERE id IN (");
        for (int i = 0; i < ids.size(); i++) {
            update.append(i == 0 ? "?" : ", ?");
        }
        try (PreparedStatement statement = connection.prepareStatement(update.append(')').toString())) {
            for (int i = 0; i < ids.size(); i++) {
                statement.setLong(i + 1, ids.get(i));
            }
            return statement.executeUpdate();
        }
    }

    /** {@code Handler_read%} of the session (reading them counts a few reads too: the caller subtracts that). */
    @Override
    public Map<String, Long> sessionReads(Connection connection) throws SQLException {
        Map<String, Long> reads = new LinkedHashMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SHOW SESSION STATUS LIKE 'Handler_read%'")) {
            while (rs.next()) {
                reads.put(rs.getString(1), rs.getLong(2));
            }
        }
        return reads;
    }

    @Override
    public String relayDefaults() {
        return "READ COMMITTED relay transactions, adaptive polling (5 ms while rows are found, doubling to 500 ms; publishers in the relay's JVM reset it)";
    }

    @Override
    public boolean runsPeers() {
        return false;
    }
}
