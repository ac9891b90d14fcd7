package dev.mailroom.ledger;

/**
 * One failed item of a batch operation, as the batch records it.
 *
 * @param payloadJson the item's data as JSON, enough for an executor to retry it
 */
public record FailedItem(String batchId, String operationType, int itemIndex, String payloadJson, String reason) {
}
