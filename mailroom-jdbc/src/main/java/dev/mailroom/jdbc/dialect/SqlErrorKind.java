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
    /**
     * The database refused the values themselves (a data exception, a constraint other than the
     * unique one, a value too large for an index): running the same statement again fails again.
     */
    INVALID_DATA,
    /** Anything else: a bug, a broken schema, a cancelled statement; not retried automatically. */
    OTHER
}
