package dev.mailroom.ledger;

/**
 * Which items to list: null fields match everything. Items come oldest first, those with an id
 * above {@code afterId} (0 for the first page; the last id seen for the next), at most {@code limit}.
 * Filters are bound as values, never spliced into SQL.
 */
public record LedgerFilter(String batchId, LedgerState state, String operationType, long afterId, int limit) {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 10_000;

    public LedgerFilter {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        if (afterId < 0) {
            throw new IllegalArgumentException("afterId must be at least 0, was " + afterId);
        }
    }

    /** Every item, first page. */
    public static LedgerFilter all() {
        return new LedgerFilter(null, null, null, 0, DEFAULT_LIMIT);
    }

    public static LedgerFilter batch(String batchId) {
        return all().withBatch(batchId);
    }

    public static LedgerFilter state(LedgerState state) {
        return all().withState(state);
    }

    public static LedgerFilter operationType(String operationType) {
        return all().withOperationType(operationType);
    }

    public LedgerFilter withBatch(String batchId) {
        return new LedgerFilter(batchId, state, operationType, afterId, limit);
    }

    public LedgerFilter withState(LedgerState state) {
        return new LedgerFilter(batchId, state, operationType, afterId, limit);
    }

    public LedgerFilter withOperationType(String operationType) {
        return new LedgerFilter(batchId, state, operationType, afterId, limit);
    }

    /** The page after the item with this id. */
    public LedgerFilter after(long id) {
        return new LedgerFilter(batchId, state, operationType, id, limit);
    }

    public LedgerFilter limit(int limit) {
        return new LedgerFilter(batchId, state, operationType, afterId, limit);
    }
}
