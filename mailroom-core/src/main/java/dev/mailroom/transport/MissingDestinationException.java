package dev.mailroom.transport;

import dev.mailroom.MailroomException;

/** A routed topic (or queue) does not exist on the transport. */
public final class MissingDestinationException extends MailroomException {

    private final String destination;

    public MissingDestinationException(String transport, String destination, String hint) {
        super(transport + " destination '" + destination + "' does not exist; " + hint);
        this.destination = destination;
    }

    public String destination() {
        return destination;
    }
}
