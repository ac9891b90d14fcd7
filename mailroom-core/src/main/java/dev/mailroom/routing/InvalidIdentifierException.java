package dev.mailroom.routing;

import dev.mailroom.MailroomException;

/** A table, schema, service or channel name that is not a safe SQL identifier. */
public final class InvalidIdentifierException extends MailroomException {

    private final String identifier;

    public InvalidIdentifierException(String what, String identifier, String rule) {
        super(what + " '" + identifier + "' is not allowed: " + rule);
        this.identifier = identifier;
    }

    public String identifier() {
        return identifier;
    }
}
