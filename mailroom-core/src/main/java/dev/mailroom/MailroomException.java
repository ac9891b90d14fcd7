package dev.mailroom;

/**
 * Root of every exception Mailroom throws. All are unchecked; subclasses carry the context that
 * helps an operator (event type, event id, table, SQL state).
 */
public class MailroomException extends RuntimeException {

    public MailroomException(String message) {
        super(message);
    }

    public MailroomException(String message, Throwable cause) {
        super(message, cause);
    }
}
