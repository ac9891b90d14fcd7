package dev.mailroom.jdbc.operator;

import dev.mailroom.MailroomException;

/** A filter, page or selection an operator gave that Mailroom cannot use; names the field. */
public class InvalidFilterException extends MailroomException {

    private final String field;

    public InvalidFilterException(String field, String problem) {
        super("Invalid " + field + ": " + problem);
        this.field = field;
    }

    /** The field that was refused. */
    public String field() {
        return field;
    }
}
