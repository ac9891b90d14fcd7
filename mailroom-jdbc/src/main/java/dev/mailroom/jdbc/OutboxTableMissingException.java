package dev.mailroom.jdbc;

import java.sql.SQLException;

/** The outbox table does not exist: the schema was not migrated (see {@code SchemaMigrator}). */
public final class OutboxTableMissingException extends StoreException {

    public OutboxTableMissingException(String table, SQLException cause) {
        super("Outbox table " + table + " does not exist; create it with SchemaMigrator.migrate(...) or copy"
                + " the scripts under dev/mailroom/db/ into your migrations", table, cause);
    }
}
