package dev.mailroom.ledger;

import dev.mailroom.loop.BackgroundLoop;
import java.time.Duration;
import java.util.List;

/**
 * The background worker: on each pass it returns expired leases (counting the lost run as an
 * attempt), claims due open items with a lease, and runs them. Several workers, in one process or
 * many, never run the same item at once: claims use {@code SKIP LOCKED} and every outcome is fenced
 * on the lease.
 */
public final class LedgerWorker implements AutoCloseable {

    private final BackgroundLoop loop;

    LedgerWorker(LedgerStore store, ItemRuns runs, String owner, int batchSize, Duration lease, Duration idleWait) {
        this.loop = new BackgroundLoop("mailroom-ledger-" + owner, idleWait, Duration.ofSeconds(1), () -> {
            store.reclaimExpired(batchSize);
            List<LedgerItem> items = store.claimDue(owner, lease, batchSize);
            for (LedgerItem item : items) {
                runs.run(item, owner);
            }
            return !items.isEmpty();
        });
    }

    LedgerWorker start() {
        loop.start();
        return this;
    }

    /** Runs a pass now instead of after the idle wait. */
    public void wake() {
        loop.wake();
    }

    /** Stops after the item in hand; its outcome is recorded before the thread ends. */
    @Override
    public void close() {
        loop.close();
    }
}
