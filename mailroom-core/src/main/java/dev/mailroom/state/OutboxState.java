package dev.mailroom.state;

import java.util.Locale;
import java.util.Set;

/**
 * The life of an outbox row, and the only place that says which transitions are allowed.
 *
 * <pre>
 *   pending ──claim──▶ sending ──ack──▶ published ──consume──▶ consumed
 *      ▲                  │
 *      └──retry/release───┤
 *                         └──max attempts / poison──▶ dead
 *
 *   operator moves:  dead ──replay──▶ pending      dead ──discard──▶ discarded
 * </pre>
 *
 * A relay that claims by row lock instead of lease keeps its rows {@code pending} (locked by its
 * open transaction) while it sends them, so it moves them straight from {@code pending} to
 * {@code published} or {@code dead}; a failed attempt leaves them {@code pending} with the attempt
 * counted.
 *
 * {@code consumed}, {@code dead} and {@code discarded} are final: no automatic transition leaves them.
 * Only an operator moves a dead row, and only two ways: <em>replay</em> ({@code dead -> pending},
 * attempts reset, the last error kept) and <em>discard</em> ({@code dead -> discarded}, final, the row
 * kept until retention removes it). A row may be marked
 * consumed from {@code pending} or {@code sending} too, because a consumer can see an event before
 * the relay has recorded its acknowledgement (or after a lease expired and the row was reset).
 * The store renders the SQL guards of each transition from {@link #sourcesOf(OutboxState)}, and the
 * schema's {@code CHECK} constraint lists the same {@link #dbValue() values}.
 */
public enum OutboxState {
    PENDING,
    SENDING,
    PUBLISHED,
    CONSUMED,
    DEAD,
    DISCARDED;

    private static final TransitionTable<OutboxState> TRANSITIONS = TransitionTable.builder(OutboxState.class)
            .allow(PENDING, SENDING, PUBLISHED, DEAD, CONSUMED)
            .allow(SENDING, PUBLISHED, PENDING, DEAD, CONSUMED)
            .allow(PUBLISHED, CONSUMED)
            .allowOperator(DEAD, PENDING, DISCARDED)
            .build();

    /** The value stored in the {@code status} column. */
    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static OutboxState fromDbValue(String value) {
        for (OutboxState state : values()) {
            if (state.dbValue().equals(value)) {
                return state;
            }
        }
        throw new IllegalArgumentException("Unknown outbox status '" + value + "'");
    }

    public boolean isFinal() {
        return TRANSITIONS.isFinal(this);
    }

    public boolean canMoveTo(OutboxState target) {
        return TRANSITIONS.canMove(this, target);
    }

    public boolean canOperatorMoveTo(OutboxState target) {
        return TRANSITIONS.canOperatorMove(this, target);
    }

    /** The states from which an operator may move a row to {@code target}: the guard of replay and discard. */
    public static Set<OutboxState> operatorSourcesOf(OutboxState target) {
        return TRANSITIONS.operatorSourcesOf(target);
    }

    /** The states from which {@code target} may be reached. */
    public static Set<OutboxState> sourcesOf(OutboxState target) {
        return TRANSITIONS.sourcesOf(target);
    }

    /** The states from which both targets may be reached (for a statement that picks one of them). */
    public static Set<OutboxState> sourcesOfBoth(OutboxState first, OutboxState second) {
        return TRANSITIONS.sourcesOfBoth(first, second);
    }
}
