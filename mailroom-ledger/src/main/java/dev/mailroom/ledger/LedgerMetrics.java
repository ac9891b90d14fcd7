package dev.mailroom.ledger;

/** Counters per operation type; {@link #NOOP} when no meter registry is given. */
interface LedgerMetrics {

    LedgerMetrics NOOP = new LedgerMetrics() {
    };

    /** One item moved to {@code state} (retrying, resolved, manual_required or abandoned). */
    default void moved(String operationType, LedgerState state) {
    }
}
