package dev.mailroom.ledger;

import dev.mailroom.MailroomException;

/** Input the ledger refuses; nothing was written. {@link #problem()} says which check failed. */
public final class InvalidLedgerItemException extends MailroomException {

    /** The failed check. */
    public enum Problem {
        BLANK_BATCH_ID,
        BLANK_OPERATION_TYPE,
        NEGATIVE_ITEM_INDEX,
        PAYLOAD_NOT_JSON,
        BLANK_ACTOR,
        NOTES_TOO_LONG
    }

    private final Problem problem;

    InvalidLedgerItemException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
