package dev.mailroom.jdbc.store;

import dev.mailroom.jdbc.dialect.DeletedRows;
import dev.mailroom.jdbc.dialect.OutboxOperations;
import dev.mailroom.jdbc.dialect.TimePartitions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Retention and the reads an operator or a gauge needs: counts, the next due row, one row by event id. */
final class Maintenance {

    /**
     * The most undelivered and dead rows a retired partition may hold: they move to the default
     * partition under the table's lock, which holds producers and relays meanwhile. A partition with
     * more (its relays stopped for longer than the retention age) is kept until they are delivered.
     */
    static final long MOVE_LIMIT = 10_000;

    private final StoreTransactions transactions;
    private final OutboxOperations operations;

    Maintenance(StoreTransactions transactions, OutboxOperations operations) {
        this.transactions = transactions;
        this.operations = operations;
    }

    /**
     * One pass of retention: on the time-partitioned layout, partitions created ahead, expired ones
     * retired and the default partition's delivered rows deleted; on any other table, the delivered
     * rows deleted.
     */
    RetentionPass retain(Duration age, int batchSize) {
        Optional<TimePartitions> partitions = operations.timePartitions();
        if (partitions.isEmpty() || !transactions.retrying("layout", partitions.get()::partitioned)) {
            return RetentionPass.rows(deleteFinishedOlderThan(age, batchSize));
        }
        TimePartitions layout = partitions.get();
        int created = transactions.retrying("partitions ahead", layout::createAhead);
        TimePartitions.RetiredPartitions retired = transactions.retrying("partition retirement",
                connection -> layout.retire(connection, age, MOVE_LIMIT));
        long deleted = deleteInBatches((from, connection) ->
                layout.deleteFinishedInDefault(connection, age, from, batchSize), batchSize);
        return new RetentionPass(deleted, created, retired.dropped(), retired.kept(), retired.moved());
    }

    /**
     * One pass of retention, in batches in id order, each starting after the last id its predecessor
     * deleted. A row passed by (held by another transaction, or aged past the limit after the pass went
     * by) is left to the next pass, which starts from the table's first row again.
     */
    long deleteFinishedOlderThan(Duration age, int batchSize) {
        return deleteInBatches((from, connection) -> operations.deleteFinished(connection, age, from, batchSize),
                batchSize);
    }

    private long deleteInBatches(DeleteBatch delete, int batchSize) {
        long total = 0;
        // ids are the identity's unless a SQL producer chose its own, which may be zero or negative (any long)
        long from = Long.MIN_VALUE;
        while (true) {
            long start = from;
            DeletedRows batch = transactions.retrying("retention", connection -> delete.run(start, connection));
            total += batch.count();
            if (batch.count() < batchSize || batch.lastId() == Long.MAX_VALUE) {
                return total;
            }
            from = batch.lastId() + 1;
        }
    }

    /** One batch of retention's deletes from {@code fromId} on. */
    @FunctionalInterface
    private interface DeleteBatch {
        DeletedRows run(long fromId, Connection connection) throws SQLException;
    }

    OutboxCounts counts() {
        return transactions.retrying("counts", connection -> new OutboxCounts(
                Map.copyOf(operations.countByState(connection)), operations.oldestUndeliveredAge(connection)));
    }

    Optional<String> whyNotVacuumed() {
        return transactions.retrying("vacuum check", operations::whyNotVacuumed);
    }

    OutboxBacklog backlog() {
        return transactions.retrying("backlog", connection -> new OutboxBacklog(
                operations.countUndelivered(connection), operations.oldestUndeliveredAge(connection)));
    }

    Optional<Duration> nextDueIn() {
        return transactions.retrying("next due", operations::nextDueIn);
    }

    Optional<OutboxRow> find(long id) {
        OutboxOperations.RowMapper<OutboxRow> mapper = StoreJdbc.rows(transactions);
        return transactions.retrying("find", connection -> operations.findById(connection, id, mapper));
    }

    Optional<OutboxRow> find(UUID eventId) {
        OutboxOperations.RowMapper<OutboxRow> mapper = StoreJdbc.rows(transactions);
        return transactions.retrying("find", connection -> operations.findByEventId(connection, eventId, mapper));
    }
}
