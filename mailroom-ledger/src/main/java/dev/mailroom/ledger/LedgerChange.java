package dev.mailroom.ledger;

import static dev.mailroom.ledger.LedgerState.ABANDONED;
import static dev.mailroom.ledger.LedgerState.MANUAL_REQUIRED;
import static dev.mailroom.ledger.LedgerState.PENDING;
import static dev.mailroom.ledger.LedgerState.RESOLVED;
import static dev.mailroom.ledger.LedgerState.RETRYING;

import java.util.Set;

/**
 * The guarded changes of one item. Each moves it to a state {@link LedgerState} allows from the one
 * it is in, fenced on the lease (owner and the version seen at the claim: a worker's outcome) or on
 * the version an operator named, bumps its version and writes its audit row. The values its
 * {@code SET} clause takes come first, in the order given here, then the fence.
 */
enum LedgerChange {
    /** The executor succeeded: resolution notes. */
    RESOLVE_LEASED(true, LedgerState.sourcesOf(RESOLVED)),
    /** The executor failed: reason, delay millis. Retrying, or manual_required at max attempts. */
    FAIL_LEASED(true, LedgerState.sourcesOfBoth(RETRYING, MANUAL_REQUIRED)),
    /** No executor for the item's operation type: reason. */
    MANUAL_LEASED(true, LedgerState.sourcesOf(MANUAL_REQUIRED)),
    /** Operator retry-now: no values. */
    RETRY_NOW(false, LedgerState.sourcesOf(PENDING)),
    /** Operator resolve: resolved by, notes. */
    RESOLVE(false, LedgerState.sourcesOf(RESOLVED)),
    /** Operator abandon: resolved by, notes. */
    ABANDON(false, LedgerState.sourcesOf(ABANDONED));

    private final boolean leased;
    private final Set<LedgerState> sources;

    LedgerChange(boolean leased, Set<LedgerState> sources) {
        this.leased = leased;
        this.sources = sources;
    }

    /** Fenced on lease owner and claimed version (parameters in that order), else on the expected version. */
    boolean leased() {
        return leased;
    }

    /** The states the item may be in for the change to apply. */
    Set<LedgerState> sources() {
        return sources;
    }
}
