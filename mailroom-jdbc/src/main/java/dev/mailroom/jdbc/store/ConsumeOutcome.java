package dev.mailroom.jdbc.store;

/** What {@link OutboxStore#consume} did. */
public enum ConsumeOutcome {
    /** The callback ran and the row is now {@code consumed}, in one transaction. */
    CONSUMED,
    /** The row was already {@code consumed}: the callback did not run. */
    ALREADY_CONSUMED,
    /** The row is {@code dead}: the callback did not run. */
    DEAD,
    /** No row has that event id (never written, or deleted by retention): the callback did not run. */
    NOT_FOUND
}
