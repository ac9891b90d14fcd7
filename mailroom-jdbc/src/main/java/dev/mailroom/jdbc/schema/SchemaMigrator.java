package dev.mailroom.jdbc.schema;

import dev.mailroom.internal.Arguments;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.routing.ServiceRoute;
import dev.mailroom.routing.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and upgrades the outbox tables from the versioned scripts shipped in the jar
 * ({@code dev/mailroom/db/<dialect>/outbox/V<n>__<description>.sql}, Flyway-compatible names with
 * {@code ${table}}, {@code ${table_name}} and {@code ${channel}} placeholders).
 *
 * <p>Scripts run under a database-wide session lock (PostgreSQL {@code pg_advisory_lock}, MariaDB
 * {@code GET_LOCK}): running {@code migrate} twice, or from two processes at once, applies each
 * version exactly once. On PostgreSQL each script runs in one transaction with its row in
 * {@code mailroom_schema_history}; MariaDB commits DDL implicitly, so there a script runs statement
 * by statement (each idempotent) and is recorded after its last one. A script whose text changed after
 * it was applied is refused. Migration is opt-in: nothing calls it implicitly.
 */
public final class SchemaMigrator {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);
    /** The history's scope of the shared tables' scripts. */
    public static final String OPERATIONS_SCOPE = "operations";
    /** The history's scope of a table's move to the time-partitioned layout: this prefix and the table. */
    public static final String TIME_PARTITIONED_SCOPE_PREFIX = "outbox-time-partitioned:";

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final List<MigrationScript> outboxScripts;

    public SchemaMigrator(DataSource dataSource, SqlDialect dialect) {
        this.dataSource = Arguments.requireNonNull(dataSource, "dataSource");
        this.dialect = Arguments.requireNonNull(dialect, "dialect");
        this.outboxScripts = MigrationScript.load(dialect.outboxMigrationsPath());
    }

    /**
     * Migrates the outbox table of every service in the registry, and the tables services share
     * ({@link #migrateOperations}); returns the versions applied per service.
     */
    public Map<String, List<Integer>> migrate(RouteRegistry routes) {
        Map<String, List<Integer>> applied = new HashMap<>();
        for (ServiceRoute service : routes.services()) {
            applied.put(service.name(), migrateOutbox(service));
        }
        migrateOperations();
        return applied;
    }

    /**
     * Creates or upgrades the tables every service shares, once per database: the operators' audit
     * trail ({@code mailroom_audit}) and the relays' heartbeats ({@code mailroom_relay_instances}).
     * Returns the versions applied now.
     */
    public List<Integer> migrateOperations() {
        return migrateScripts(OPERATIONS_SCOPE, operationsFolder(), Map.of());
    }

    private String operationsFolder() {
        return "dev/mailroom/db/" + dialect.name() + "/operations/";
    }

    /** Brings one service's outbox table to the newest version; returns the versions applied now. */
    public List<Integer> migrateOutbox(ServiceRoute service) {
        return migrate("outbox:" + service.table().qualified(), outboxScripts, placeholders(service));
    }

    /**
     * Turns a service's outbox table into the time-partitioned layout (PostgreSQL only), after bringing
     * it to the newest version: range partitions on {@code created_at}, each {@code partitionWidth}
     * long, and a default partition, so that a relay's retention drops a partition of delivered
     * history at a time instead of deleting rows (see README, "Time-partitioned outbox"). Every row is
     * copied with its id and columns, in one transaction that holds producers and relays meanwhile.
     * Recorded under its own scope: a second call does nothing. The width is the layout's from then
     * on; an operator changes it in {@code <table>_time_layout}. Returns the versions applied now.
     */
    public List<Integer> migrateToTimePartitions(ServiceRoute service, Duration partitionWidth) {
        Arguments.requireNonNull(service, "service");
        Arguments.requireNonNull(partitionWidth, "partitionWidth");
        if (partitionWidth.getSeconds() < 1 || partitionWidth.getNano() != 0) {
            throw new IllegalArgumentException("partitionWidth must be whole seconds, at least one, was " + partitionWidth);
        }
        String folder = dialect.timePartitionedMigrationsPath().orElseThrow(() -> new MigrationException(
                "The time-partitioned outbox layout is PostgreSQL's only; " + dialect.name() + " keeps the plain table"));
        migrateOutbox(service);
        String scope = TIME_PARTITIONED_SCOPE_PREFIX + service.table().qualified();
        if (applied(scope, 1)) {
            // whatever width it was moved with: an operator changes the width in <table>_time_layout
            return List.of();
        }
        Map<String, String> placeholders = new HashMap<>(placeholders(service));
        placeholders.put("partition_width", partitionWidth.getSeconds() + " seconds");
        return migrate(scope, MigrationScript.load(folder), placeholders);
    }

    private boolean applied(String scope, int version) {
        try (Connection connection = dataSource.getConnection()) {
            return historyExists(connection) && appliedChecksum(connection, scope, version) != null;
        } catch (SQLException e) {
            throw new MigrationException("Reading the migration history failed (SQL state " + e.getSQLState() + "): "
                    + e.getMessage(), e);
        }
    }

    /**
     * Brings a consumer group's inbox table to the newest version. An inbox has the outbox's shape
     * (received events are worked through with the same claim, lease and retry statements), so it
     * is created by the same scripts, recorded under its own scope.
     */
    public List<Integer> migrateInbox(TableName table, String channel) {
        return migrate("inbox:" + table.qualified(), outboxScripts,
                Map.of("table", table.qualified(), "table_name", table.name(), "channel", channel));
    }

    /**
     * Applies another set of versioned scripts (for example the compensation ledger's) from a
     * classpath folder holding {@code migrations.list}, recorded under {@code scope} in the history
     * table. Returns the versions applied now.
     */
    public List<Integer> migrateScripts(String scope, String folder, Map<String, String> placeholders) {
        return migrate(scope, MigrationScript.load(folder), placeholders);
    }

    /** Under the migration lock, on one connection: applies each script not applied yet, in version order. */
    private List<Integer> migrate(String scope, List<MigrationScript> scripts, Map<String, String> placeholders) {
        List<Integer> applied = new ArrayList<>();
        MigrationScript current = null;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            try (SqlDialect.MigrationLock lock = dialect.lockMigrations(connection)) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute(dialect.createHistoryTableSql());
                }
                for (MigrationScript script : scripts) {
                    current = script;
                    if (apply(connection, scope, script, script.render(placeholders))) {
                        applied.add(script.version());
                        LOG.info("Applied migration V{} ({}) to {}", script.version(), script.description(), scope);
                    }
                }
            }
        } catch (SQLException e) {
            throw new MigrationException("Migration " + (current == null ? "lock" : "V" + current.version())
                    + " of " + scope + " failed (SQL state " + e.getSQLState() + "): " + e.getMessage(), e);
        }
        return applied;
    }

    /**
     * How a service's outbox table and the shared tables stand against the scripts in this jar,
     * without changing anything: each version applied, pending, or changed since it was applied
     * (which {@link #migrate} refuses). Needs the history table only to read it; with none, every
     * version is pending.
     */
    public List<MigrationStatus> status(ServiceRoute service) {
        List<MigrationStatus> status = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            boolean history = historyExists(connection);
            addStatus(connection, history, "outbox:" + service.table().qualified(), outboxScripts, placeholders(service),
                    status);
            addStatus(connection, history, OPERATIONS_SCOPE, MigrationScript.load(operationsFolder()), Map.of(), status);
        } catch (SQLException e) {
            throw new MigrationException("Reading the migration history failed (SQL state " + e.getSQLState() + "): "
                    + e.getMessage(), e);
        }
        return status;
    }

    private void addStatus(Connection connection, boolean history, String scope, List<MigrationScript> scripts,
                           Map<String, String> placeholders, List<MigrationStatus> status) throws SQLException {
        for (MigrationScript script : scripts) {
            Long applied = history ? appliedChecksum(connection, scope, script.version()) : null;
            MigrationStatus.State state = applied == null ? MigrationStatus.State.PENDING
                    : applied == MigrationScript.checksum(script.render(placeholders)) ? MigrationStatus.State.APPLIED
                    : MigrationStatus.State.CHANGED;
            status.add(new MigrationStatus(scope, script.version(), script.description(), state));
        }
    }

    private static boolean historyExists(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeQuery("SELECT 1 FROM mailroom_schema_history WHERE 1 = 0").close();
            return true;
        } catch (SQLException e) {
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
            return false;
        }
    }

    /** The SQL of the tables every service shares ({@link #migrateOperations}), for review or your own migrations. */
    public String renderOperations() {
        return render(MigrationScript.load(operationsFolder()), Map.of());
    }

    /** The SQL that {@link #migrateOutbox} would run for a service, for review or for your own migrations. */
    public String render(ServiceRoute service) {
        return render(outboxScripts, placeholders(service));
    }

    private static String render(List<MigrationScript> scripts, Map<String, String> placeholders) {
        StringBuilder sql = new StringBuilder();
        for (MigrationScript script : scripts) {
            sql.append("-- V").append(script.version()).append(' ').append(script.description()).append('\n')
                    .append(script.render(placeholders)).append('\n');
        }
        return sql.toString();
    }

    private static Map<String, String> placeholders(ServiceRoute service) {
        return Map.of(
                "table", service.table().qualified(),
                "table_name", service.table().name(),
                "channel", service.notifyChannel());
    }

    /**
     * Applies one script unless its version is recorded. With transactional DDL the script and its
     * history row commit together; without it the script's statements run one by one (each
     * idempotent, so a script cut short by a crash runs again whole) and the row is written after
     * the last one.
     */
    private boolean apply(Connection connection, String scope, MigrationScript script, String rendered)
            throws SQLException {
        long checksum = MigrationScript.checksum(rendered);
        Long appliedChecksum = appliedChecksum(connection, scope, script.version());
        if (appliedChecksum != null) {
            if (appliedChecksum != checksum) {
                throw new MigrationException("Migration V" + script.version() + " of " + scope
                        + " changed after it was applied (checksum " + appliedChecksum + ", now " + checksum
                        + "); write a new version instead of editing an applied one");
            }
            return false;
        }
        boolean transactional = dialect.transactionalDdl();
        connection.setAutoCommit(!transactional);
        try {
            try (Statement statement = connection.createStatement()) {
                for (String sql : transactional ? List.of(rendered) : MigrationScript.statements(rendered)) {
                    statement.execute(sql);
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO mailroom_schema_history (scope, version, description, checksum) VALUES (?, ?, ?, ?)")) {
                insert.setString(1, scope);
                insert.setInt(2, script.version());
                insert.setString(3, script.description());
                insert.setLong(4, checksum);
                insert.executeUpdate();
            }
            if (transactional) {
                connection.commit();
            }
            return true;
        } catch (SQLException | RuntimeException e) {
            if (transactional) {
                connection.rollback();
            }
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private static Long appliedChecksum(Connection connection, String scope, int version) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT checksum FROM mailroom_schema_history WHERE scope = ? AND version = ?")) {
            query.setString(1, scope);
            query.setInt(2, version);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }
}
