package dev.mailroom.ledger;

import dev.mailroom.state.TransitionTable;
import java.util.Locale;
import java.util.Set;

/**
 * The life of a compensation item, and the only place that says which moves are allowed.
 *
 * <pre>
 *   pending ──fail──▶ retrying ──fail at max──▶ manual_required
 *      │                 │  ▲                        │
 *      │                 │  └──────retry now─────────┤ (back to pending, attempts kept)
 *      └──success────────┴──────────────▶ resolved ◀─┤ (operator)
 *                                         abandoned ◀┘ (operator, from any open state)
 * </pre>
 *
 * {@code resolved} and {@code abandoned} are final. An item being run by a worker keeps its state
 * and carries a lease.
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

    public static Set<LedgerState> sourcesOf(LedgerState target) {
        return TRANSITIONS.sourcesOf(target);
    }

    /** States a worker may pick up. */
    public static Set<LedgerState> open() {
        return Set.of(PENDING, RETRYING);
    }
}
