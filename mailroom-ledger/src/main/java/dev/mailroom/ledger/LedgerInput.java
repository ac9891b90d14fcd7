package dev.mailroom.ledger;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;

/** The ledger's input checks, in one place; each failure names its {@link InvalidLedgerItemException.Problem}. */
final class LedgerInput {

    /** Longest resolution or audit note. */
    static final int MAX_NOTES_LENGTH = 2000;
    private static final JsonFactory JSON = new JsonFactory();

    private LedgerInput() {
    }

    static void check(FailedItem item) {
        if (item.batchId() == null || item.batchId().isBlank()) {
            throw new InvalidLedgerItemException(InvalidLedgerItemException.Problem.BLANK_BATCH_ID, "batch id is blank");
        }
        if (item.operationType() == null || item.operationType().isBlank()) {
            throw new InvalidLedgerItemException(InvalidLedgerItemException.Problem.BLANK_OPERATION_TYPE,
                    "operation type is blank (batch " + item.batchId() + ")");
        }
        if (item.itemIndex() < 0) {
            throw new InvalidLedgerItemException(InvalidLedgerItemException.Problem.NEGATIVE_ITEM_INDEX,
                    "item index " + item.itemIndex() + " is negative (batch " + item.batchId() + ")");
        }
        if (!isJson(item.payloadJson())) {
            throw new InvalidLedgerItemException(InvalidLedgerItemException.Problem.PAYLOAD_NOT_JSON,
                    "payload of item " + item.itemIndex() + " in batch " + item.batchId() + " is not one JSON value");
        }
    }

    static void checkActor(String actor, String notes) {
        if (actor == null || actor.isBlank()) {
            throw new InvalidLedgerItemException(InvalidLedgerItemException.Problem.BLANK_ACTOR,
                    "say who makes the change");
        }
        if (notes != null && notes.length() > MAX_NOTES_LENGTH) {
            throw new InvalidLedgerItemException(InvalidLedgerItemException.Problem.NOTES_TOO_LONG,
                    "notes are " + notes.length() + " characters, the limit is " + MAX_NOTES_LENGTH);
        }
    }

    static boolean isJson(String text) {
        if (text == null) {
            return false;
        }
        try (JsonParser parser = JSON.createParser(text)) {
            if (parser.nextToken() == null) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }
}
