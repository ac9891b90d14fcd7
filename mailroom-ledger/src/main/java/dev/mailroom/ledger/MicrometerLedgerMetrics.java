package dev.mailroom.ledger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code mailroom.ledger.retried} (a run failed and the item waits for its next attempt),
 * {@code .resolved}, {@code .manual} (the item now needs an operator) and {@code .abandoned}:
 * counters tagged {@code operation.type}. An operator's "retry now" is not counted.
 */
final class MicrometerLedgerMetrics implements LedgerMetrics {

    static final String TAG = "operation.type";

    private final MeterRegistry registry;

    /** Takes {@code Object} so that callers compile no Micrometer type into code that runs without one. */
    MicrometerLedgerMetrics(Object registry) {
        this.registry = (MeterRegistry) registry;
    }

    @Override
    public void moved(String operationType, LedgerState state) {
        String name = switch (state) {
            case RETRYING -> "mailroom.ledger.retried";
            case RESOLVED -> "mailroom.ledger.resolved";
            case MANUAL_REQUIRED -> "mailroom.ledger.manual";
            case ABANDONED -> "mailroom.ledger.abandoned";
            case PENDING -> null;
        };
        if (name != null) {
            Counter.builder(name).description("Compensation items moved to " + state.dbValue())
                    .tag(TAG, operationType).register(registry).increment();
        }
    }
}
