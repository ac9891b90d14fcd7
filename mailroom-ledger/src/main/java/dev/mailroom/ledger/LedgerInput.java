package dev.mailroom.ledger;

import static dev.mailroom.ledger.InvalidLedgerItemException.Problem.BLANK_ACTOR;
import static dev.mailroom.ledger.InvalidLedgerItemException.Problem.BLANK_BATCH_ID;
import static dev.mailroom.ledger.InvalidLedgerItemException.Problem.BLANK_NOTES;
import static dev.mailroom.ledger.InvalidLedgerItemException.Problem.BLANK_OPERATION_TYPE;
import static dev.mailroom.ledger.InvalidLedgerItemException.Problem.NAME_TOO_LONG;
import static dev.mailroom.ledger.InvalidLedgerItemException.Problem.NEGATIVE_ITEM_INDEX;
import static dev.mailroom.ledger.InvalidLedgerItemException.Problem.NOTES_TOO_LONG;
import static dev.mailroom.ledger.InvalidLedgerItemException.Problem.NUL_CHARACTER;
import static dev.mailroom.ledger.InvalidLedgerItemException.Problem.PAYLOAD_NOT_JSON;

/**
 * The ledger's input checks and text bounds, in one place. Checks throw
 * {@link InvalidLedgerItemException} before any statement is sent; free-text failure reasons are
 * not refused but cleaned and cut, since they usually come from exception messages.
 */
final class LedgerInput {

    /** Longest resolution or audit note. */
    static final int MAX_NOTES_LENGTH = 2000;
    /** Longest batch id or operation type (MariaDB keeps them in {@code VARCHAR(255)}, indexed). */
    static final int MAX_NAME_LENGTH = 255;
    /** Longest actor name. */
    static final int MAX_ACTOR_LENGTH = 200;
    /** Longest accumulated failure reason; the oldest text is dropped first. */
    static final int MAX_REASON_LENGTH = 4000;
    /** Longest single failure reason (one recorded failure or one attempt). */
    static final int MAX_REASON_ENTRY_LENGTH = 1000;

    private LedgerInput() {
    }

    static void check(FailedItem item) {
        checkBatchId(item.batchId());
        if (item.operationType() == null || item.operationType().isBlank()) {
            throw new InvalidLedgerItemException(BLANK_OPERATION_TYPE,
                    "operation type is blank (item " + item.itemIndex() + " of batch " + item.batchId() + ")");
        }
        checkNoNul("operation type", item.operationType());
        checkLength("operation type", item.operationType());
        if (item.itemIndex() < 0) {
            throw new InvalidLedgerItemException(NEGATIVE_ITEM_INDEX,
                    "item index " + item.itemIndex() + " is negative (batch " + item.batchId() + ")");
        }
        String problem = LedgerJson.problem(item.payloadJson());
        if (problem != null) {
            throw new InvalidLedgerItemException(PAYLOAD_NOT_JSON,
                    "item " + item.itemIndex() + " of batch " + item.batchId() + ": " + problem);
        }
    }

    static void checkBatchId(String batchId) {
        if (batchId == null || batchId.isBlank()) {
            throw new InvalidLedgerItemException(BLANK_BATCH_ID, "batch id is blank");
        }
        checkNoNul("batch id", batchId);
        checkLength("batch id", batchId);
    }

    private static void checkLength(String field, String value) {
        if (value.length() > MAX_NAME_LENGTH) {
            throw new InvalidLedgerItemException(NAME_TOO_LONG,
                    field + " is " + value.length() + " characters, the limit is " + MAX_NAME_LENGTH);
        }
    }

    /** An operator change: who (required) and why ({@code notesRequired} for resolve and abandon). */
    static void checkOperator(String actor, String notes, boolean notesRequired) {
        if (actor == null || actor.isBlank()) {
            throw new InvalidLedgerItemException(BLANK_ACTOR, "say who makes the change");
        }
        if (actor.length() > MAX_ACTOR_LENGTH) {
            throw new InvalidLedgerItemException(NOTES_TOO_LONG,
                    "actor is " + actor.length() + " characters, the limit is " + MAX_ACTOR_LENGTH);
        }
        if (notesRequired && (notes == null || notes.isBlank())) {
            throw new InvalidLedgerItemException(BLANK_NOTES, "say why (notes are required)");
        }
        if (notes != null && notes.length() > MAX_NOTES_LENGTH) {
            throw new InvalidLedgerItemException(NOTES_TOO_LONG,
                    "notes are " + notes.length() + " characters, the limit is " + MAX_NOTES_LENGTH);
        }
        checkNoNul("actor", actor);
        checkNoNul("notes", notes);
    }

    /** A failure reason fit to store: U+0000 replaced, at most {@link #MAX_REASON_ENTRY_LENGTH} characters. */
    static String reason(String text) {
        return text == null ? null : cut(text.replace('\u0000', '\uFFFD'), MAX_REASON_ENTRY_LENGTH);
    }

    /** At most {@code max} characters, never splitting a surrogate pair. */
    static String cut(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = max - 3;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "...";
    }

    private static void checkNoNul(String field, String value) {
        if (value != null && value.indexOf('\u0000') >= 0) {
            throw new InvalidLedgerItemException(NUL_CHARACTER, field + " holds the character U+0000");
        }
    }
}
