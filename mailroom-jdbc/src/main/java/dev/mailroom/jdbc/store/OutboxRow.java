package dev.mailroom.jdbc.store;

import dev.mailroom.state.OutboxState;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One outbox row as stored. {@code correlationId} is the event id when the producer left it out.
 * The payload array is the row's own copy; do not modify it.
 *
 * @param holdsKey whether this dead row holds back the later rows of its key (its route's poison
 *                 policy was {@code HOLD_KEY} when it died) until an operator skips or replays it
 * @param defect why the row cannot be delivered as stored (a plain SQL producer's headers column
 *               that is not an object of strings, a blank content type), or null. Reading such a
 *               row never fails: the relay dead-letters it with this reason.
 */
public record OutboxRow(
        long id,
        UUID eventId,
        String eventType,
        String key,
        byte[] payload,
        String contentType,
        Map<String, String> headers,
        String tenantId,
        String correlationId,
        int eventVersion,
        OutboxState state,
        int attempts,
        int maxAttempts,
        Instant nextAttemptAt,
        String lastError,
        String leaseOwner,
        Instant leaseExpiresAt,
        Instant createdAt,
        Instant publishedAt,
        Instant consumedAt,
        Instant updatedAt,
        boolean holdsKey,
        String defect) {

    @Override
    public String toString() {
        return "OutboxRow[" + id + " " + eventType + " " + eventId + " " + state.dbValue() + ", attempts " + attempts
                + "/" + maxAttempts + "]";
    }
}
