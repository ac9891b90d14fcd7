package dev.mailroom.jdbc.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The rows a claim leased, in id order; when there were none, how long until a row becomes
 * claimable without a new insert (see {@link OutboxStore#nextDueIn()}).
 */
public record ClaimResult(List<OutboxRow> rows, Optional<Duration> nextDueIn) {
}
