package dev.mailroom.ledger;

/**
 * Retries items of one operation type. Runs outside any ledger transaction; returning means the
 * item is fixed, throwing means this attempt failed (the message is appended to the item's reason).
 * May run again for the same item after a crash, so make it idempotent.
 */
@FunctionalInterface
public interface ItemExecutor {

    void execute(LedgerItem item) throws Exception;
}
