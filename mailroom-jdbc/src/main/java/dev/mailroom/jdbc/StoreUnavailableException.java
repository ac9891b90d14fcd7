package dev.mailroom.jdbc;

import java.sql.SQLException;

/**
 * The database could not be reached or dropped the connection. Nothing was changed by the failed
 * call (its transaction did not commit); it is safe to retry once the database is back.
 */
public final class StoreUnavailableException extends StoreException {

    public StoreUnavailableException(String message, String table, SQLException cause) {
        super(message, table, cause);
    }
}
