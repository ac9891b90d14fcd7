package dev.mailroom.jdbc.store;

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

    long deleteFinishedOlderThan(Duration age, int batchSize) {
        long total = 0;
        int deleted;
        do {
            deleted = transactions.retrying("retention",
                    connection -> operations.deleteFinished(connection, age, batchSize));
            total += deleted;
        } while (deleted == batchSize);
        return total;
    }

    OutboxCounts counts() {
        return transactions.retrying("counts", connection -> new OutboxCounts(
                Map.copyOf(operations.countByState(connection)), operations.oldestUndeliveredAge(connection)));
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
