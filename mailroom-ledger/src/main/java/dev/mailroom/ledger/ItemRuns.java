package dev.mailroom.ledger;

import dev.mailroom.retry.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims items with a lease, runs them through their executors outside any transaction, and
 * records each outcome fenced on the lease (owner and the version seen at the claim): shared by
 * the background worker and {@link CompensationLedger#processBatch}.
 *
 * <p>Claimed items run one after another, so the last of a claim waits for the others. An item is
 * started only while at most half its lease has passed since the claim (measured on a monotonic
 * clock from before the claim was sent); the rest are released unrun, without an attempt counted,
 * and claimed again with a fresh lease. So a worker never starts an item whose lease may already
 * have been taken over by another worker.
 */
final class ItemRuns {

    private static final Logger LOG = LoggerFactory.getLogger(ItemRuns.class);

    private final LedgerStore store;
    private final Map<String, ItemExecutor> executors;
    private final RetryPolicy retryPolicy;
    private final LedgerMetrics metrics;
    private final Duration lease;
    private final LongSupplier nanoClock;

    ItemRuns(LedgerStore store, Map<String, ItemExecutor> executors, RetryPolicy retryPolicy, LedgerMetrics metrics,
             Duration lease, LongSupplier nanoClock) {
        this.store = store;
        this.executors = Map.copyOf(executors);
        this.retryPolicy = retryPolicy;
        this.metrics = metrics;
        this.lease = lease;
        this.nanoClock = nanoClock;
    }

    /** One worker pass: returns expired leases, then claims and runs due items. Returns whether it did anything. */
    boolean workerPass(String owner, int limit, BooleanSupplier running) {
        List<LedgerStore.Moved> reclaimed = store.reclaimExpired(limit);
        reclaimed.forEach(moved -> metrics.moved(moved.operationType(), moved.state()));
        long claimedAt = nanoClock.getAsLong();
        List<LedgerItem> items = store.claimDue(owner, lease, limit);
        runClaimed(items, owner, claimedAt, running, new Tally());
        return !items.isEmpty() || !reclaimed.isEmpty();
    }

    /** Runs one batch's open items, due or not, in item order, each at most once. */
    BatchResult runBatch(String batchId, String owner, int limit) {
        Tally tally = new Tally();
        int afterIndex = -1;
        long afterId = 0;
        while (true) {
            long claimedAt = nanoClock.getAsLong();
            List<LedgerItem> items = store.claimBatch(owner, lease, batchId, afterIndex, afterId, limit);
            int released = runClaimed(items, owner, claimedAt, () -> true, tally);
            if (items.size() == released || (items.size() < limit && released == 0)) {
                return tally.result();
            }
            afterIndex = tally.lastStarted.itemIndex();
            afterId = tally.lastStarted.id();
        }
    }

    /** Runs claimed items in order while the lease is young and {@code running} holds; returns how many it released. */
    int runClaimed(List<LedgerItem> items, String owner, long claimedAtNanos, BooleanSupplier running, Tally tally) {
        int started = 0;
        try {
            for (LedgerItem item : items) {
                if (!running.getAsBoolean() || nanoClock.getAsLong() - claimedAtNanos > lease.toNanos() / 2) {
                    break;
                }
                started++;
                tally.lastStarted = item;
                tally.add(run(item, owner));
            }
        } catch (RuntimeException | Error e) {
            releaseAfterFailure(owner, items.subList(started, items.size()), e);
            throw e;
        }
        List<LedgerItem> unstarted = items.subList(started, items.size());
        store.release(owner, unstarted);
        return unstarted.size();
    }

    /** Runs one leased item; returns its new state, or empty when the outcome could not be recorded. */
    Optional<LedgerState> run(LedgerItem item, String owner) {
        ItemExecutor executor = executors.get(item.operationType());
        Optional<LedgerStore.Moved> outcome = executor == null
                ? store.manualLeased(item, owner, "no executor registered for operation type '" + item.operationType() + "'")
                : execute(executor, item, owner);
        outcome.ifPresentOrElse(moved -> {
            metrics.moved(moved.operationType(), moved.state());
            if (moved.state() == LedgerState.MANUAL_REQUIRED) {
                LOG.warn("Ledger item {} ({} #{} of batch {}) needs an operator", item.id(), item.operationType(),
                        item.itemIndex(), item.batchId());
            }
        }, () -> LOG.info("Ledger item {} changed while {} ran it (operator change or lease lost); outcome not recorded",
                item.id(), owner));
        return outcome.map(LedgerStore.Moved::state);
    }

    private Optional<LedgerStore.Moved> execute(ItemExecutor executor, LedgerItem item, String owner) {
        int attempt = item.attempts() + 1;
        try {
            executor.execute(item);
        } catch (Exception | LinkageError e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String reason = LedgerInput.reason("attempt " + attempt + " (" + owner + "): " + e);
            LOG.info("Ledger item {} ({} #{} of batch {}) failed {}", item.id(), item.operationType(), item.itemIndex(),
                    item.batchId(), reason);
            return store.failLeased(item, owner, reason, retryPolicy.delayAfter(attempt).toMillis(), reason);
        }
        return store.resolveLeased(item, owner, "resolved by the " + item.operationType() + " executor on attempt "
                + attempt + " (" + owner + ")");
    }

    private void releaseAfterFailure(String owner, List<LedgerItem> unstarted, Throwable failure) {
        try {
            store.release(owner, unstarted);
        } catch (RuntimeException releaseError) {
            failure.addSuppressed(releaseError);
        }
    }

    /** What a run of claimed items did. */
    static final class Tally {

        private int total;
        private int resolved;
        private int retrying;
        private int manual;
        private int failedToUpdate;
        private LedgerItem lastStarted;

        void add(Optional<LedgerState> outcome) {
            total++;
            if (outcome.isEmpty()) {
                failedToUpdate++;
                return;
            }
            switch (outcome.get()) {
                case RESOLVED -> resolved++;
                case MANUAL_REQUIRED -> manual++;
                default -> retrying++;
            }
        }

        BatchResult result() {
            return new BatchResult(total, resolved, retrying, manual, failedToUpdate);
        }
    }
}
