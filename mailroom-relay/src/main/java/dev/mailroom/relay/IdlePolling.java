package dev.mailroom.relay;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long a relay that is not notified of commits sleeps when it found nothing to claim: the
 * shortest interval right after it found rows (or a publisher in this JVM wrote some, see
 * {@link Relay}), doubling with every empty look up to the longest, so a busy outbox is drained with
 * little delay and an idle one costs one query per longest interval.
 */
final class IdlePolling {

    private final long minNanos;
    private final long maxNanos;
    /** Written by the loop's thread and by publishers' threads (see {@link #reset()}). */
    private final AtomicLong nextNanos;

    IdlePolling(Duration min, Duration max) {
        this.minNanos = min.toNanos();
        this.maxNanos = max.toNanos();
        this.nextNanos = new AtomicLong(minNanos);
    }

    /** Rows were found or are about to be: look again soon. */
    void reset() {
        nextNanos.set(minNanos);
    }

    /** The sleep after an empty look, the next one twice as long (at most the longest). */
    Duration next() {
        long wait = nextNanos.getAndUpdate(current -> Math.min(maxNanos, current * 2));
        return Duration.ofNanos(wait);
    }
}
