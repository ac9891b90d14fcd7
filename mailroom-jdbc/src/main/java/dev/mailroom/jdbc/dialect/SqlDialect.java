package dev.mailroom.jdbc.dialect;

import dev.mailroom.routing.TableName;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Everything that differs between databases: the whole statements for an outbox table, where the
 * migration scripts live, how the migration lock is taken, and how errors are classified.
 */
public interface SqlDialect {

    /** PostgreSQL 13 or newer. */
    static SqlDialect postgresql() {
        return PostgresDialect.INSTANCE;
    }

    String name();

    /** The statements for one outbox table, rendered once. */
    OutboxSql outboxSql(TableName table);

    /** The classpath folder holding {@code migrations.list} and the outbox scripts it names. */
    String outboxMigrationsPath();

    /** SQL run first in every migration transaction, serializing migrations across processes. */
    String migrationLockSql();

    /** DDL of the history table, idempotent. */
    String createHistoryTableSql();

    SqlErrorKind classify(SQLException error);

    /** Statement making the current transaction's commit skip the log flush, or null when unsupported. */
    String asynchronousCommitSql();

    /**
     * Statement keeping the current transaction's claim queries on their indexes, or null when not
     * needed. A claim probes each candidate row's key; statistics taken while the table was empty
     * make a planner pick a sequential scan per probe, so a claim costs the square of the table.
     */
    String indexedClaimSql();

    /**
     * Statement making the server end the current transaction once it has been idle for
     * {@code timeout}, or once one of its statements has run that long, so that no lock it takes
     * outlives a client that hangs; null when unsupported.
     */
    String lockTimeoutSql(Duration timeout);
}
