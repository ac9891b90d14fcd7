package dev.mailroom.consumer;

/** What to do with an event whose type has no handler. */
public enum UnknownTypePolicy {
    /** Record it as handled with a note, and go on. */
    SKIP,
    /** Record it as dead with the reason, for an operator to look at. */
    DEAD_LETTER
}
