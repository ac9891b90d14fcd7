package dev.mailroom.relay;

import dev.mailroom.jdbc.store.OutboxStore;
import dev.mailroom.jdbc.store.RetentionPass;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes delivered rows (published, consumed, discarded) once they are older than the retention
 * age, {@value OutboxStore#DEFAULT_RETENTION_BATCH} rows per transaction, then waits its interval;
 * on the time-partitioned layout it also creates partitions ahead and drops expired ones
 * ({@link OutboxStore#retain}). It runs on a loop of its own: deleting a day's history must not
 * delay a claim.
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
        RetentionPass pass = store.retain(keep);
        if (pass.partitionsKept() > 0) {
            LOG.warn("Relay {} kept {} partitions past their retention: each holds more than a pass moves of"
                    + " undelivered or dead rows, or the table's lock was busy; retried next pass", owner,
                    pass.partitionsKept());
        }
        if (pass.changedAnything()) {
            LOG.info("Relay {} retention (older than {}): {} delivered rows deleted, {} partitions dropped, {} rows"
                    + " moved from them to the default partition, {} partitions created ahead", owner, keep,
                    pass.rowsDeleted(), pass.partitionsDropped(), pass.rowsMoved(), pass.partitionsCreated());
        }
        return interval;
    }
}
