package dev.mailroom.jdbc.operator;

import dev.mailroom.state.OutboxState;

/**
 * What an operator does to dead rows. Replay and discard are the state machine's operator moves
 * ({@link OutboxState#operatorSourcesOf}); skip changes no state: the row stays dead and its key moves on.
 */
public enum OperatorMove {
    /** Dead to pending, due now, attempts reset, the last error kept; it no longer holds its key. */
    REPLAY("replay"),
    /** Dead to discarded: set aside for good, kept until retention removes it; frees its key. */
    DISCARD("discard"),
    /** A dead row that holds its key stops holding it; it stays dead. */
    SKIP("skip");

    private final String action;

    OperatorMove(String action) {
        this.action = action;
    }

    /** The name the audit trail records. */
    public String action() {
        return action;
    }

    /** The state a row must be in for this move to touch it. */
    public OutboxState from() {
        return OutboxState.DEAD;
    }
}
