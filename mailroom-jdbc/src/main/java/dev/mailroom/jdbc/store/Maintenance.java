package dev.mailroom.jdbc.store;

import dev.mailroom.jdbc.dialect.DeletedRows;
import dev.mailroom.jdbc.dialect.OutboxOperations;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Retention and the reads an operator or a gauge needs: counts, the next due row, one row by event id. */
final class Maintenance {

    private final StoreTransactions transactions;
    private final OutboxOperations operations;

    Maintenance(StoreTransactions transactions, OutboxOperations operations) {
        this.transactions = transactions;
        this.operations = operations;
    }

    /**
     * One pass of retention, in batches in id order, each starting after the last id its predecessor
     * deleted. A row passed by (held by another transaction, or aged past the limit after the pass went
     * by) is left to the next pass, which starts from the table's first row again.
     */
    long deleteFinishedOlderThan(Duration age, int batchSize) {
        long total = 0;
        // ids are the identity's unless a SQL producer chose its own, which may be zero or negative (any long)
        long from = Long.MIN_VALUE;
        while (true) {
            long start = from;
            DeletedRows batch = transactions.retrying("retention",
                    connection -> operations.deleteFinished(connection, age, start, batchSize));
            total += batch.count();
            if (batch.count() < batchSize || batch.lastId() == Long.MAX_VALUE) {
                return total;
            }
            from = batch.lastId() + 1;
        }
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
