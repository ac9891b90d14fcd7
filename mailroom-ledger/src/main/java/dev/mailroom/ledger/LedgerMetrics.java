package dev.mailroom.ledger;

/**
 * Counters per operation type. {@link #NOOP} when no meter registry is given; the Micrometer
 * implementation is created only when one is, so no Micrometer class is loaded otherwise and the
 * ledger runs without Micrometer on the classpath.
 */
interface LedgerMetrics {

    LedgerMetrics NOOP = (operationType, state) -> {
    };

    /** One item moved to {@code state}: retrying (counted as retried), resolved, manual_required or abandoned. */
    void moved(String operationType, LedgerState state);
}
