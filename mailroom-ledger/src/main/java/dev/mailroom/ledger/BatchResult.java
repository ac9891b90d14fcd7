package dev.mailroom.ledger;

/**
 * What {@link CompensationLedger#processBatch} did with a batch's open items.
 *
 * @param total          open items it ran, each once
 * @param resolved       fixed by their executor
 * @param stillRetrying  failed again, with attempts left
 * @param manual         now waiting for an operator (attempts used up, or no executor)
 * @param failedToUpdate ran, but their outcome could not be recorded (an operator or another worker changed them meanwhile)
 */
public record BatchResult(int total, int resolved, int stillRetrying, int manual, int failedToUpdate) {
}
