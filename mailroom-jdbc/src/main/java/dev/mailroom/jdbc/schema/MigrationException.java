package dev.mailroom.jdbc.schema;

import dev.mailroom.MailroomException;

/** A migration script is missing, changed after it was applied, or failed to run. */
public final class MigrationException extends MailroomException {

    public MigrationException(String message) {
        super(message);
    }

    public MigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
