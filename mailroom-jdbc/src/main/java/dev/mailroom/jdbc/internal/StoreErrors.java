package dev.mailroom.jdbc.internal;

import dev.mailroom.jdbc.DuplicateEventException;
import dev.mailroom.jdbc.OutboxTableMissingException;
import dev.mailroom.jdbc.StoreException;
import dev.mailroom.jdbc.StoreUnavailableException;
import dev.mailroom.jdbc.TransactionConflictException;
import dev.mailroom.jdbc.dialect.SqlDialect;
import java.sql.SQLException;

/** Turns a {@link SQLException} into the Mailroom exception its SQL state calls for. */
public final class StoreErrors {

    private StoreErrors() {
    }

    public static StoreException translate(SqlDialect dialect, String table, String operation, SQLException error) {
        return switch (dialect.classify(error)) {
            case UNAVAILABLE -> new StoreUnavailableException(operation + " failed: database unavailable", table, error);
            case UNDEFINED_TABLE -> new OutboxTableMissingException(table, error);
            case UNIQUE_VIOLATION -> new DuplicateEventException(table, error);
            case CONFLICT -> new TransactionConflictException(operation, table, error);
            case INVALID_DATA, OTHER -> new StoreException(operation + " failed", table, error);
        };
    }
}
