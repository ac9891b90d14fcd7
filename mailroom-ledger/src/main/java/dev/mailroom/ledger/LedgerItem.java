package dev.mailroom.ledger;

import java.time.Instant;

/**
 * A compensation item as stored; {@code version} is what operator changes must name.
 *
 * @param payloadJson     the recorded payload with the same values: on PostgreSQL as {@code jsonb}
 *                        gives it back (key order and whitespace normalized, numbers keep their
 *                        digits), on MariaDB as recorded
 * @param failureReason   the recorded reason and every later failure, newest last, at most 4,000
 *                        characters (the oldest text is dropped first)
 * @param attempts        runs that failed (a run lost with its worker counts as one)
 * @param leaseOwner      the worker running the item now, or null
 * @param resolvedBy      {@code system} when its executor fixed it, else the operator who resolved or
 *                        abandoned it
 */
public record LedgerItem(
        long id,
        String batchId,
        String operationType,
        int itemIndex,
        String payloadJson,
        String failureReason,
        LedgerState state,
        int attempts,
        int maxAttempts,
        Instant nextAttemptAt,
        String leaseOwner,
        Instant leaseExpiresAt,
        Instant resolvedAt,
        String resolvedBy,
        String resolutionNotes,
        Instant createdAt,
        Instant updatedAt,
        String createdBy,
        long version) {
}
