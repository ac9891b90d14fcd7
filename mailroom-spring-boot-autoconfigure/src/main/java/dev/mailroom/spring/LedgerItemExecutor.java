package dev.mailroom.spring;

import dev.mailroom.ledger.ItemExecutor;

/**
 * An executor bean of the compensation ledger: retries the failed items of one operation type.
 * It runs outside any transaction and may run again for the same item, so make it idempotent.
 */
public interface LedgerItemExecutor extends ItemExecutor {

    /** The operation type whose items this executor retries. */
    String operationType();
}
