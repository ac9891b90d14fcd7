package dev.mailroom.jdbc.store;

import dev.mailroom.MailroomException;
import java.util.UUID;

/** A consume callback threw a checked exception; the transaction was rolled back. The cause is the callback's. */
public final class ConsumeCallbackException extends MailroomException {

    private final UUID eventId;

    ConsumeCallbackException(UUID eventId, Exception cause) {
        super("Consumer work for event " + eventId + " failed: " + cause, cause);
        this.eventId = eventId;
    }

    public UUID eventId() {
        return eventId;
    }
}
