package dev.mailroom.ledger;

import dev.mailroom.state.TransitionTable;
import java.util.Locale;
import java.util.Set;

/**
 * The life of a compensation item, and the only place that says which moves are allowed.
 *
 * <pre>
 *   pending ──run fails──▶ retrying ──run fails, attempts left──▶ retrying
 *      │                      │
 *      ├── run fails at max, no executor, lease lost at max ──▶ manual_required
 *      ├── run succeeds ──▶ resolved ◀── operator (from any non-final state)
 *      └── operator ──▶ abandoned     ◀── operator (from any non-final state)
 *   retrying, manual_required ── operator "retry now" ──▶ pending (attempts kept)
 * </pre>
 *
 * {@code resolved} and {@code abandoned} are final. An item being run keeps its state and carries a
 * lease (claims are not state changes). The SQL guards of every statement are rendered from
 * {@link #sourcesOf}; the schema's {@code CHECK} constraint lists the same {@link #dbValue() values}.
 */
public enum LedgerState {
    PENDING,
    RETRYING,
    RESOLVED,
    MANUAL_REQUIRED,
    ABANDONED;

    private static final TransitionTable<LedgerState> TRANSITIONS = TransitionTable.builder(LedgerState.class)
            .allow(PENDING, RETRYING, RESOLVED, MANUAL_REQUIRED, ABANDONED)
            .allow(RETRYING, RETRYING, PENDING, RESOLVED, MANUAL_REQUIRED, ABANDONED)
            .allow(MANUAL_REQUIRED, PENDING, RESOLVED, ABANDONED)
            .build();

    /** The value stored in the {@code status} column. */
    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static LedgerState fromDbValue(String value) {
        for (LedgerState state : values()) {
            if (state.dbValue().equals(value)) {
                return state;
            }
        }
        throw new IllegalArgumentException("Unknown ledger status '" + value + "'");
    }

    public boolean isFinal() {
        return TRANSITIONS.isFinal(this);
    }

    public boolean canMoveTo(LedgerState target) {
        return TRANSITIONS.canMove(this, target);
    }

    /** The states from which {@code target} may be reached. */
    public static Set<LedgerState> sourcesOf(LedgerState target) {
        return TRANSITIONS.sourcesOf(target);
    }

    /** The states from which both targets may be reached (for a statement that picks one of them). */
    public static Set<LedgerState> sourcesOfBoth(LedgerState first, LedgerState second) {
        return TRANSITIONS.sourcesOfBoth(first, second);
    }

    /**
     * The states a worker may pick an item up in: those from which a run can end either way,
     * {@code resolved} or {@code retrying} ({@code pending} and {@code retrying}).
     */
    public static Set<LedgerState> open() {
        return sourcesOfBoth(RESOLVED, RETRYING);
    }
}
