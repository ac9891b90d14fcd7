package dev.mailroom.jdbc.store;

import java.time.Duration;
import java.util.Optional;

/**
 * What a relay's gauges show: the rows not yet delivered (pending or sending) and the age of the
 * oldest of them, empty when there is none. Unlike {@link OutboxCounts}, read without touching the
 * delivered history, so its cost follows the backlog, not the table.
 */
public record OutboxBacklog(long undelivered, Optional<Duration> oldestUndeliveredAge) {
}
