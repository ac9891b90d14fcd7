package dev.mailroom.jdbc.dialect;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Retention of the time-partitioned outbox layout (PostgreSQL; created by
 * {@code SchemaMigrator#migrateToTimePartitions}): the table is range-partitioned on
 * {@code created_at}, so delivered history goes a partition at a time instead of a row at a time.
 * Each operation runs on the caller's connection inside the caller's transaction.
 */
public interface TimePartitions {

    /** Whether the table has the time-partitioned layout (else retention deletes rows). */
    boolean partitioned(Connection connection) throws SQLException;

    /** Creates the partitions missing up to the layout's partitions ahead of now; returns how many. */
    int createAhead(Connection connection) throws SQLException;

    /**
     * Drops every partition that ended more than {@code age} ago, after moving its pending, sending and
     * dead rows (every column unchanged) to the default partition; a partition with more than
     * {@code moveLimit} of those is kept, and so is every due partition when the table's lock is busy.
     */
    RetiredPartitions retire(Connection connection, Duration age, long moveLimit) throws SQLException;

    /**
     * Retention's row deletes in the default partition (rows no range partition covered: those from
     * before the layout, and those moved out of dropped partitions), as
     * {@link OutboxOperations#deleteFinished}.
     */
    DeletedRows deleteFinishedInDefault(Connection connection, Duration age, long fromId, int limit)
            throws SQLException;

    /** What one retirement did: partitions dropped, rows moved to the default partition, partitions kept. */
    record RetiredPartitions(int dropped, long moved, int kept) {
    }
}
