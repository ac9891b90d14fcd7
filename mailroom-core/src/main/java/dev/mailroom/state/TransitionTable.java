package dev.mailroom.state;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which moves between the states of one state machine are allowed. Every state machine in Mailroom
 * (outbox rows, compensation items) declares its table once, with this class, and derives its
 * SQL guards from {@link #sourcesOf}; a state the machinery never leaves is final. Moves only an
 * operator makes (replaying a dead event, discarding it) are declared beside the automatic ones
 * ({@link Builder#allowOperator}) and have guards of their own ({@link #operatorSourcesOf}): a final
 * state may still have operator moves.
 */
public final class TransitionTable<S extends Enum<S>> {

    private final Class<S> type;
    private final Map<S, Set<S>> targets;
    private final Map<S, Set<S>> operatorTargets;

    private TransitionTable(Class<S> type, Map<S, Set<S>> targets, Map<S, Set<S>> operatorTargets) {
        this.type = type;
        this.targets = targets;
        this.operatorTargets = operatorTargets;
    }

    public static <S extends Enum<S>> Builder<S> builder(Class<S> type) {
        return new Builder<>(type);
    }

    public boolean canMove(S from, S to) {
        return targets.get(from).contains(to);
    }

    /** Whether an operator may move a row from {@code from} to {@code to}. */
    public boolean canOperatorMove(S from, S to) {
        return operatorTargets.get(from).contains(to);
    }

    /** No automatic move leaves the state (an operator move may). */
    public boolean isFinal(S state) {
        return targets.get(state).isEmpty();
    }

    /** The states from which {@code target} may be reached automatically. */
    public Set<S> sourcesOf(S target) {
        return sources(targets, target);
    }

    /** The states from which an operator may move a row to {@code target}. */
    public Set<S> operatorSourcesOf(S target) {
        return sources(operatorTargets, target);
    }

    private Set<S> sources(Map<S, Set<S>> moves, S target) {
        Set<S> sources = EnumSet.noneOf(type);
        moves.forEach((from, to) -> {
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
        private final Map<S, Set<S>> operatorTargets;

        private Builder(Class<S> type) {
            this.type = type;
            this.targets = emptyMoves(type);
            this.operatorTargets = emptyMoves(type);
        }

        private static <S extends Enum<S>> Map<S, Set<S>> emptyMoves(Class<S> type) {
            Map<S, Set<S>> moves = new EnumMap<>(type);
            for (S state : type.getEnumConstants()) {
                moves.put(state, EnumSet.noneOf(type));
            }
            return moves;
        }

        /** Moves the machinery (relay, consumer, worker) makes on its own. */
        @SafeVarargs
        public final Builder<S> allow(S from, S... to) {
            targets.get(from).addAll(List.of(to));
            return this;
        }

        /** Moves only an operator makes, each recorded in the audit trail. */
        @SafeVarargs
        public final Builder<S> allowOperator(S from, S... to) {
            operatorTargets.get(from).addAll(List.of(to));
            return this;
        }

        public TransitionTable<S> build() {
            return new TransitionTable<>(type, seal(targets), seal(operatorTargets));
        }

        private Map<S, Set<S>> seal(Map<S, Set<S>> moves) {
            Map<S, Set<S>> sealed = new EnumMap<>(type);
            moves.forEach((from, to) -> sealed.put(from, Collections.unmodifiableSet(EnumSet.copyOf(to))));
            return Collections.unmodifiableMap(sealed);
        }
    }
}
