package dev.mailroom.ledger;

import java.time.Instant;

/** One change of an item: who, when, from which state to which, at which version, and why. */
public record AuditEntry(long itemId, String actor, LedgerState from, LedgerState to, long version, String notes,
                         Instant changedAt) {
}
