package dev.mailroom.jdbc.dialect;

import dev.mailroom.MailroomException;

/** The database behind a data source is one Mailroom has no dialect for. */
public final class UnsupportedDatabaseException extends MailroomException {

    public UnsupportedDatabaseException(String productName) {
        super("Mailroom has no SQL dialect for the database '" + productName
                + "'; supported: PostgreSQL 13+, MariaDB 10.6+ (and MySQL 8.0 with the MariaDB dialect, untested)", null);
    }
}
