package dev.mailroom.ledger;

/**
 * One failed item of a batch operation, as the batch records it.
 *
 * @param batchId       the batch run it belongs to; not blank
 * @param operationType picks the executor that retries it; not blank; a metric tag, so keep the set small
 * @param itemIndex     its position in the batch; 0 or more
 * @param payloadJson   the item's data as one JSON value, enough for an executor to retry it
 * @param reason        why it failed (nullable); cut to 1,000 characters
 */
public record FailedItem(String batchId, String operationType, int itemIndex, String payloadJson, String reason) {
}
