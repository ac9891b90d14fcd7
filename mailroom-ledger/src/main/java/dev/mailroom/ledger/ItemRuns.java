package dev.mailroom.ledger;

import dev.mailroom.retry.RetryPolicy;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs claimed items through their executors, outside any transaction, and records each outcome
 * fenced on the lease: shared by the background worker and {@link CompensationLedger#processBatch}.
 */
final class ItemRuns {

    private static final Logger LOG = LoggerFactory.getLogger(ItemRuns.class);

    private final LedgerStore store;
    private final Map<String, ItemExecutor> executors;
    private final RetryPolicy retryPolicy;
    private final LedgerMetrics metrics;

    ItemRuns(LedgerStore store, Map<String, ItemExecutor> executors, RetryPolicy retryPolicy, LedgerMetrics metrics) {
        this.store = store;
        this.executors = executors;
        this.retryPolicy = retryPolicy;
        this.metrics = metrics;
    }

    /** Runs one leased item; returns its new state, or empty when the outcome could not be recorded. */
    Optional<LedgerState> run(LedgerItem item, String owner) {
        ItemExecutor executor = executors.get(item.operationType());
        Optional<LedgerState> outcome;
        if (executor == null) {
            outcome = store.manualLeased(item.id(), owner,
                    "no executor registered for operation type '" + item.operationType() + "'");
        } else {
            outcome = execute(executor, item, owner);
        }
        outcome.ifPresentOrElse(state -> metrics.moved(item.operationType(), state),
                () -> LOG.info("Ledger item {} changed while it ran (operator or expired lease); outcome not recorded",
                        item.id()));
        return outcome;
    }

    private Optional<LedgerState> execute(ItemExecutor executor, LedgerItem item, String owner) {
        try {
            executor.execute(item);
        } catch (Exception | LinkageError e) {
            long delay = retryPolicy.delayAfter(item.attempts() + 1).toMillis();
            LOG.warn("Ledger item {} ({} #{} of batch {}) failed attempt {}: {}", item.id(), item.operationType(),
                    item.itemIndex(), item.batchId(), item.attempts() + 1, e.toString());
            return store.failLeased(item.id(), owner, e.toString(), delay);
        }
        return store.resolveLeased(item.id(), owner, "resolved by the " + item.operationType() + " executor on attempt "
                + (item.attempts() + 1));
    }
}
