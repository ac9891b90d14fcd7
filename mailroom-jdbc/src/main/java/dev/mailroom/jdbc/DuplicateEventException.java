package dev.mailroom.jdbc;

import java.sql.SQLException;

/** An event id that the outbox table already holds; the transaction should be rolled back. */
public final class DuplicateEventException extends StoreException {

    public DuplicateEventException(String table, SQLException cause) {
        super("An event with the same event id is already in the outbox", table, cause);
    }
}
