package dev.mailroom.ledger;

import java.time.Instant;

/** A compensation item as stored; {@code version} is what operator changes must name. */
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
