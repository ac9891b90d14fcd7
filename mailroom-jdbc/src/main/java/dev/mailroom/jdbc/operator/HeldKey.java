package dev.mailroom.jdbc.operator;

import java.time.Instant;
import java.util.UUID;

/**
 * A key held back by a dead row: the row (id, event id, type, its last error, since when it is
 * dead) and how many pending rows of the key wait behind it.
 */
public record HeldKey(long id, UUID eventId, String key, String eventType, String lastError, Instant since,
                      long waiting) {
}
