package dev.mailroom.jdbc;

import dev.mailroom.MailroomException;
import java.sql.SQLException;

/** A database error while reading or writing an outbox table, with the table and SQL state. */
public class StoreException extends MailroomException {

    private final String table;
    private final String sqlState;

    public StoreException(String message, String table, SQLException cause) {
        super(message + " [table " + table + ", SQL state " + (cause == null ? "none" : cause.getSQLState()) + "]"
                + (cause == null ? "" : ": " + cause.getMessage()), cause);
        this.table = table;
        this.sqlState = cause == null ? null : cause.getSQLState();
    }

    public String table() {
        return table;
    }

    public String sqlState() {
        return sqlState;
    }
}
