package dev.mailroom.ledger;

/**
 * Retries items of one operation type. Runs outside any ledger transaction, on the worker's thread
 * (or the thread calling {@code processBatch}); returning means the item is fixed, throwing means
 * this attempt failed (the exception's text is appended to the item's reason). It should finish
 * well within half the lease. It may run again for the same item after a crash or a lost lease, so
 * make it idempotent.
 */
@FunctionalInterface
public interface ItemExecutor {

    void execute(LedgerItem item) throws Exception;
}
