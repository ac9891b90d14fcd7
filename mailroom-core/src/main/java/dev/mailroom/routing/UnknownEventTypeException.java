package dev.mailroom.routing;

import dev.mailroom.MailroomException;

/** An event type that no route names. Nothing is written: events never fall back to a default. */
public final class UnknownEventTypeException extends MailroomException {

    private final String eventType;

    public UnknownEventTypeException(String eventType) {
        super("No route for event type '" + eventType + "': register it with RouteRegistry.builder()"
                + ".service(...).event(\"" + eventType + "\")");
        this.eventType = eventType;
    }

    public String eventType() {
        return eventType;
    }
}
