package dev.mailroom.ledger;

import java.util.Optional;

/**
 * An operator's changes: each is one guarded change fenced on the expected version. When the guard
 * does not hold, one read says why: no such item, a stale version, or a move the state machine
 * does not allow.
 */
final class OperatorChanges {

    private final LedgerStore store;
    private final LedgerMetrics metrics;

    OperatorChanges(LedgerStore store, LedgerMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    LedgerState retryNow(long id, long expectedVersion, String who, String notes) {
        LedgerInput.checkOperator(who, notes, false);
        return applied(id, expectedVersion, LedgerState.PENDING, store.retryNow(id, expectedVersion, who, notes));
    }

    LedgerState resolve(long id, long expectedVersion, String who, String notes) {
        LedgerInput.checkOperator(who, notes, true);
        return applied(id, expectedVersion, LedgerState.RESOLVED, store.resolve(id, expectedVersion, who, notes));
    }

    LedgerState abandon(long id, long expectedVersion, String who, String notes) {
        LedgerInput.checkOperator(who, notes, true);
        return applied(id, expectedVersion, LedgerState.ABANDONED, store.abandon(id, expectedVersion, who, notes));
    }

    private LedgerState applied(long id, long expectedVersion, LedgerState target, Optional<LedgerStore.Moved> moved) {
        if (moved.isPresent()) {
            metrics.moved(moved.get().operationType(), moved.get().state());
            return moved.get().state();
        }
        LedgerStore.StateAndVersion current = store.statusAndVersion(id)
                .orElseThrow(() -> new LedgerItemNotFoundException(id));
        if (current.version() != expectedVersion) {
            throw new StaleVersionException(id, expectedVersion, current.version());
        }
        throw new IllegalLedgerTransitionException(id, current.state(), target);
    }
}
