package dev.mailroom.ledger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code mailroom.ledger.retried}, {@code .resolved}, {@code .manual}, {@code .abandoned}
 * (counters, tag {@code operation.type}).
 */
final class MicrometerLedgerMetrics implements LedgerMetrics {

    private final MeterRegistry registry;

    MicrometerLedgerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void moved(String operationType, LedgerState state) {
        String name = switch (state) {
            case RETRYING -> "mailroom.ledger.retried";
            case RESOLVED -> "mailroom.ledger.resolved";
            case MANUAL_REQUIRED -> "mailroom.ledger.manual";
            case ABANDONED -> "mailroom.ledger.abandoned";
            case PENDING -> "mailroom.ledger.requeued";
        };
        Counter.builder(name).tag("operation.type", operationType).register(registry).increment();
    }
}
