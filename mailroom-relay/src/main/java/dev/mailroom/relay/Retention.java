package dev.mailroom.relay;

import dev.mailroom.jdbc.store.OutboxStore;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes delivered rows (published, consumed, discarded) once they are older than the retention
 * age, {@value OutboxStore#DEFAULT_RETENTION_BATCH} rows per transaction, then waits its interval.
 * It runs on a loop of its own: deleting a day's history must not delay a claim.
 */
final class Retention {

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    private final OutboxStore store;
    private final Duration keep;
    private final Duration interval;
    private final String owner;

    Retention(OutboxStore store, Duration keep, Duration interval, String owner) {
        this.store = store;
        this.keep = keep;
        this.interval = interval;
        this.owner = owner;
    }

    /** One pass: every row past the age, in batches; returns the wait until the next pass. */
    Duration runOnce() {
        long deleted = store.deleteFinishedOlderThan(keep, OutboxStore.DEFAULT_RETENTION_BATCH);
        if (deleted > 0) {
            LOG.info("Relay {} deleted {} delivered rows older than {}", owner, deleted, keep);
        }
        return interval;
    }
}
