package dev.mailroom.ledger;

import dev.mailroom.loop.BackgroundLoop;
import java.time.Duration;

/**
 * A background worker (one named thread, the shared {@link BackgroundLoop}): on each pass it
 * returns expired leases (counting each lost run as an attempt), claims up to a batch of due open
 * items with a lease ({@code FOR UPDATE SKIP LOCKED}), and runs them one by one outside any
 * transaction, recording each outcome fenced on its lease. When a pass finds work it runs again at
 * once; otherwise it waits the idle wait or {@link #wake()}. Several workers, in one process or
 * many, never run the same item at once: an item is started only in the first half of its lease,
 * so this holds as long as an executor finishes within the other half. Every outcome is fenced on
 * the lease, so a worker paused past its lease cannot overwrite what another did meanwhile. Start
 * one with {@link CompensationLedger#startWorker}.
 */
public final class LedgerWorker implements AutoCloseable {

    private static final Duration ERROR_BACKOFF = Duration.ofSeconds(1);

    private final String owner;
    private final BackgroundLoop loop;
    private volatile boolean stopping;

    LedgerWorker(ItemRuns runs, String owner, int batchSize, Duration idleWait) {
        this.owner = owner;
        this.loop = new BackgroundLoop("mailroom-ledger-" + owner, idleWait, ERROR_BACKOFF,
                () -> runs.workerPass(owner, batchSize, () -> !stopping));
    }

    LedgerWorker start() {
        loop.start();
        return this;
    }

    /** The lease owner id this worker claims items as. */
    public String owner() {
        return owner;
    }

    /** Runs a pass now instead of after the idle wait. Cheap; callable from any thread. */
    public void wake() {
        loop.wake();
    }

    public boolean isRunning() {
        return loop.isRunning();
    }

    /**
     * Stops claiming, lets the item in hand finish and record its outcome, gives back the leases of
     * claimed items it has not started (no attempt counted), and waits for the thread up to 30 s
     * (then interrupts it).
     */
    @Override
    public void close() {
        stopping = true;
        loop.close();
    }
}
