package dev.mailroom.ledger;

/** Which items to list; null fields match everything. At most {@code limit} items, oldest first. */
public record LedgerFilter(String batchId, LedgerState state, String operationType, int limit) {

    public static LedgerFilter batch(String batchId) {
        return new LedgerFilter(batchId, null, null, 1000);
    }

    public static LedgerFilter state(LedgerState state) {
        return new LedgerFilter(null, state, null, 1000);
    }

    public static LedgerFilter operationType(String operationType) {
        return new LedgerFilter(null, null, operationType, 1000);
    }
}
