package dev.mailroom.state;

import java.util.EnumSet;
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
 * </pre>
 *
 * {@code consumed} and {@code dead} are final: no transition leaves them. A row may be marked
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
    DEAD;

    private Set<OutboxState> targets;

    static {
        PENDING.targets = EnumSet.of(SENDING, DEAD, CONSUMED);
        SENDING.targets = EnumSet.of(PUBLISHED, PENDING, DEAD, CONSUMED);
        PUBLISHED.targets = EnumSet.of(CONSUMED);
        CONSUMED.targets = EnumSet.noneOf(OutboxState.class);
        DEAD.targets = EnumSet.noneOf(OutboxState.class);
    }

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
        return targets.isEmpty();
    }

    public boolean canMoveTo(OutboxState target) {
        return targets.contains(target);
    }

    /** The states from which {@code target} may be reached. */
    public static Set<OutboxState> sourcesOf(OutboxState target) {
        Set<OutboxState> sources = EnumSet.noneOf(OutboxState.class);
        for (OutboxState state : values()) {
            if (state.canMoveTo(target)) {
                sources.add(state);
            }
        }
        return sources;
    }
}
