package dev.mailroom.relay;

import dev.mailroom.jdbc.store.OutboxBacklog;
import dev.mailroom.jdbc.store.OutboxStore;
import java.time.Duration;

/**
 * Reads the backlog for the gauges ({@code mailroom.outbox.pending}, {@code mailroom.outbox.oldest.age})
 * every interval, on a loop of its own: the count follows the backlog, and a relay catching up on a
 * large one must not wait for it between claims. Runs only when the relay has a meter registry.
 */
final class BacklogGauge {

    private final OutboxStore store;
    private final RelayMetrics metrics;
    private final Duration interval;

    BacklogGauge(OutboxStore store, RelayMetrics metrics, Duration interval) {
        this.store = store;
        this.metrics = metrics;
        this.interval = interval;
    }

    /** One reading; returns the wait until the next. */
    Duration runOnce() {
        OutboxBacklog backlog = store.backlog();
        metrics.backlog(backlog.undelivered(), backlog.oldestUndeliveredAge().orElse(Duration.ZERO));
        return interval;
    }
}
