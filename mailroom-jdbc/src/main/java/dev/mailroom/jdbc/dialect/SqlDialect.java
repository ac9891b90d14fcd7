package dev.mailroom.jdbc.dialect;

import dev.mailroom.internal.Arguments;
import dev.mailroom.routing.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Everything that differs between databases: the outbox operations (whole statements, one or
 * several per operation), how values are bound and read, where the migration scripts live, how
 * migrations are serialized and run, how the relay's transactions are set up, and how errors are
 * classified. Code above this module never asks which database it is.
 */
public interface SqlDialect {

    /** PostgreSQL 13 or newer. */
    static SqlDialect postgresql() {
        return PostgresDialect.INSTANCE;
    }

    /** MariaDB 10.6 or newer (tested on 10.11); the SQL stays within what MySQL 8.0 accepts, untested there. */
    static SqlDialect mariadb() {
        return MariaDbDialect.INSTANCE;
    }

    /**
     * The dialect of the database behind {@code dataSource}, read from its
     * {@link java.sql.DatabaseMetaData#getDatabaseProductName() product name} on one connection.
     *
     * @throws UnsupportedDatabaseException for a database Mailroom has no dialect for
     * @throws dev.mailroom.jdbc.StoreUnavailableException when no connection could be opened
     */
    static SqlDialect detect(DataSource dataSource) {
        Arguments.requireNonNull(dataSource, "dataSource");
        try (Connection connection = dataSource.getConnection()) {
            return forProductName(connection.getMetaData().getDatabaseProductName());
        } catch (SQLException e) {
            throw new dev.mailroom.jdbc.StoreUnavailableException(
                    "could not open a connection to find out which database it is", "(detecting the dialect)", e);
        }
    }

    /** The dialect for a JDBC product name ({@code PostgreSQL}, {@code MariaDB}, {@code MySQL}). */
    static SqlDialect forProductName(String productName) {
        String name = productName == null ? "" : productName.toLowerCase(Locale.ROOT);
        if (name.contains("postgresql")) {
            return postgresql();
        }
        if (name.contains("mariadb") || name.contains("mysql")) {
            return mariadb();
        }
        throw new UnsupportedDatabaseException(productName);
    }

    /** Short lowercase name, also the folder of the dialect's scripts: {@code postgresql}, {@code mariadb}. */
    String name();

    /**
     * Picks one of two values by database, for a module above this one that keeps statements of its
     * own per database (the compensation ledger). Adding a dialect adds a parameter here, so no such
     * module can forget it.
     */
    <T> T choose(Supplier<T> postgresql, Supplier<T> mariadb);

    /** The operations on one outbox (or inbox) table, with their statements rendered once; no dead row holds its key. */
    default OutboxOperations outbox(TableName table) {
        return outbox(table, Set.of());
    }

    /**
     * The operations on one outbox (or inbox) table, where a row of one of {@code keyHoldingTypes}
     * that goes dead holds back the later rows of its key ({@code PoisonPolicy.HOLD_KEY}) until an
     * operator skips or replays it; key-ordered claims then also look for such rows.
     */
    OutboxOperations outbox(TableName table, Set<String> keyHoldingTypes);

    /** The statements on the tables every service shares: the operators' audit trail, the relays' heartbeats. */
    OperationsSql operations();

    /** The operator's statements on one outbox (or inbox) table: search, replay, discard, held keys. */
    default OperatorSql operator(TableName table) {
        return new OperatorSql(table, operations());
    }

    /** Whether a commit that inserted outbox rows notifies listeners ({@code LISTEN/NOTIFY}); otherwise relays poll. */
    boolean notifiesOnCommit();

    /** Binds an event id. */
    void setUuid(PreparedStatement statement, int index, UUID value) throws SQLException;

    /** Reads an event id column, or null. */
    UUID getUuid(ResultSet rs, int column) throws SQLException;

    /** Binds an instant to a timestamp parameter, as the dialect's columns hold it (UTC). */
    void setInstant(PreparedStatement statement, int index, Instant value) throws SQLException;

    /** Reads a timestamp column as an instant, or null. Stored timestamps are UTC in every dialect. */
    Instant getInstant(ResultSet rs, int column) throws SQLException;

    /** The classpath folder holding {@code migrations.list} and the outbox scripts it names. */
    String outboxMigrationsPath();

    /**
     * The classpath folder of the scripts that turn an outbox table into the time-partitioned layout,
     * or empty where the dialect has no such layout.
     */
    default Optional<String> timePartitionedMigrationsPath() {
        return Optional.empty();
    }

    /**
     * Takes the lock that serializes migrations across processes on {@code connection} (a session
     * lock: held until {@link MigrationLock#close()}, across the scripts' transactions).
     */
    MigrationLock lockMigrations(Connection connection) throws SQLException;

    /**
     * Whether DDL runs inside a transaction (PostgreSQL) or commits implicitly (MariaDB). Without
     * it a script runs statement by statement, each one idempotent ({@code IF NOT EXISTS}), and is
     * recorded once all of them ran.
     */
    boolean transactionalDdl();

    /** DDL of the history table, idempotent. */
    String createHistoryTableSql();

    /**
     * Prepares {@code connection}, before the first statement of its transaction, for one of the
     * relay's own transactions; returns what puts the session back once that transaction ended.
     */
    SessionChanges beginRelayTransaction(Connection connection, RelayTransaction settings) throws SQLException;

    /**
     * Whether one statement of the relay's bookkeeping outside a claim needs a transaction of its
     * own to honour {@code settings} (PostgreSQL: an asynchronous commit is set per transaction), or
     * may run in auto-commit, one round trip instead of the transaction's setup, statement and commit.
     */
    boolean singleStatementNeedsTransaction(RelayTransaction settings);

    SqlErrorKind classify(SQLException error);

    /** A session lock held until closed. */
    interface MigrationLock extends AutoCloseable {
        @Override
        void close() throws SQLException;
    }

    /** What a relay transaction changed in its session, undone after the transaction ended. */
    @FunctionalInterface
    interface SessionChanges {
        SessionChanges NONE = connection -> { };

        void undo(Connection connection) throws SQLException;
    }
}
