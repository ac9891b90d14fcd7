package dev.mailroom.state;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Which moves between the states of one state machine are allowed. Every state machine in Mailroom
 * (outbox rows, compensation items) declares its table once, with this class, and derives its
 * SQL guards from {@link #sourcesOf}; a state with no way out is final.
 */
public final class TransitionTable<S extends Enum<S>> {

    private final Class<S> type;
    private final Map<S, Set<S>> targets;

    private TransitionTable(Class<S> type, Map<S, Set<S>> targets) {
        this.type = type;
        this.targets = targets;
    }

    public static <S extends Enum<S>> Builder<S> builder(Class<S> type) {
        return new Builder<>(type);
    }

    public boolean canMove(S from, S to) {
        return targets.get(from).contains(to);
    }

    public boolean isFinal(S state) {
        return targets.get(state).isEmpty();
    }

    /** The states from which {@code target} may be reached. */
    public Set<S> sourcesOf(S target) {
        Set<S> sources = EnumSet.noneOf(type);
        targets.forEach((from, to) -> {
            if (to.contains(target)) {
                sources.add(from);
            }
        });
        return Collections.unmodifiableSet(sources);
    }

    /** The states that may move to both targets (a guard for a statement that picks one of them). */
    public Set<S> sourcesOfBoth(S first, S second) {
        Set<S> sources = EnumSet.noneOf(type);
        sources.addAll(sourcesOf(first));
        sources.retainAll(sourcesOf(second));
        return Collections.unmodifiableSet(sources);
    }

    /** Declares the allowed moves; states never named as a source are final. */
    public static final class Builder<S extends Enum<S>> {

        private final Class<S> type;
        private final Map<S, Set<S>> targets;

        private Builder(Class<S> type) {
            this.type = type;
            this.targets = new EnumMap<>(type);
            for (S state : type.getEnumConstants()) {
                targets.put(state, EnumSet.noneOf(type));
            }
        }

        @SafeVarargs
        public final Builder<S> allow(S from, S... to) {
            for (S target : to) {
                targets.get(from).add(target);
            }
            return this;
        }

        public TransitionTable<S> build() {
            Map<S, Set<S>> sealed = new EnumMap<>(type);
            targets.forEach((from, to) -> sealed.put(from, Collections.unmodifiableSet(EnumSet.copyOf(to.isEmpty()
                    ? EnumSet.noneOf(type) : to))));
            return new TransitionTable<>(type, Collections.unmodifiableMap(sealed));
        }
    }
}
