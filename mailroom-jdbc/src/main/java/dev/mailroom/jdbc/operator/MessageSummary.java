package dev.mailroom.jdbc.operator;

import dev.mailroom.state.OutboxState;
import java.time.Instant;
import java.util.UUID;

/** One row of a search: everything but the payload, whose size is given instead. */
public record MessageSummary(long id, UUID eventId, String eventType, String key, OutboxState state, int attempts,
                             int maxAttempts, Instant nextAttemptAt, String lastError, Instant createdAt,
                             Instant updatedAt, boolean holdsKey, String tenantId, String correlationId,
                             long payloadBytes) {
}
