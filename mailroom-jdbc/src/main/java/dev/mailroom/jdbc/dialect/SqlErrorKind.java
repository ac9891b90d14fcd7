package dev.mailroom.jdbc.dialect;

/** What a database error means to Mailroom, read from its SQL state by the dialect. */
public enum SqlErrorKind {
    /** Connection refused, lost, or the server shutting down: retry later. */
    UNAVAILABLE,
    /** The table (or another relation) does not exist: the schema was not migrated. */
    UNDEFINED_TABLE,
    /** A unique constraint was violated. */
    UNIQUE_VIOLATION,
    /** Deadlock or serialization failure: the transaction may be retried at once. */
    CONFLICT,
    /** Anything else: a bug or a broken schema; not retried automatically. */
    OTHER
}
