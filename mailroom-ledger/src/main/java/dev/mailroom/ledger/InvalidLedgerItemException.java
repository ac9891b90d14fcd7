package dev.mailroom.ledger;

import dev.mailroom.MailroomException;

/**
 * Input the ledger refuses: nothing was written, and the caller's transaction is untouched (the
 * checks run before any statement is sent). {@link #problem()} says which check failed.
 */
public final class InvalidLedgerItemException extends MailroomException {

    /** The failed check. */
    public enum Problem {
        /** The batch id is null or blank. */
        BLANK_BATCH_ID,
        /** The operation type is null or blank. */
        BLANK_OPERATION_TYPE,
        /** The batch id or the operation type is longer than 255 characters. */
        NAME_TOO_LONG,
        /** The item index is below zero. */
        NEGATIVE_ITEM_INDEX,
        /**
         * The payload is not exactly one JSON value that every supported database stores unchanged
         * in meaning: it does not parse, has trailing content or duplicate keys, holds {@code \u0000}
         * or an unpaired surrogate, a number beyond PostgreSQL's {@code numeric} range, or arrays
         * and objects nested deeper than 31 levels (MariaDB's limit).
         */
        PAYLOAD_NOT_JSON,
        /** An operator change does not say who makes it. */
        BLANK_ACTOR,
        /** A resolve or abandon does not say why. */
        BLANK_NOTES,
        /** Notes, or the actor's name, are longer than the limit. */
        NOTES_TOO_LONG,
        /** A text field holds the character U+0000, which PostgreSQL cannot store. */
        NUL_CHARACTER
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
