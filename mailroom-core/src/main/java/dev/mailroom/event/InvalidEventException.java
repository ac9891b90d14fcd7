package dev.mailroom.event;

import dev.mailroom.MailroomException;
import java.util.UUID;

/**
 * An event that fails the publish-time checks. Nothing is written. Subclasses name the check;
 * catching this type catches them all.
 */
public abstract class InvalidEventException extends MailroomException {

    private final String eventType;
    private final UUID eventId;

    protected InvalidEventException(OutboxEvent event, String problem) {
        this(event, problem, null);
    }

    protected InvalidEventException(OutboxEvent event, String problem, Throwable cause) {
        super("Event '" + event.eventType() + "' (" + event.eventId() + ") rejected: " + problem, cause);
        this.eventType = event.eventType();
        this.eventId = event.eventId();
    }

    public String eventType() {
        return eventType;
    }

    public UUID eventId() {
        return eventId;
    }
}
