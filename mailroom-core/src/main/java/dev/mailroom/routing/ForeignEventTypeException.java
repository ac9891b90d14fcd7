package dev.mailroom.routing;

import dev.mailroom.MailroomException;

/** A publisher bound to one service was asked to publish an event type another service owns. */
public final class ForeignEventTypeException extends MailroomException {

    private final String eventType;
    private final String owningService;
    private final String boundService;

    public ForeignEventTypeException(String eventType, String owningService, String boundService) {
        super("Event type '" + eventType + "' belongs to service '" + owningService
                + "', but this publisher is bound to service '" + boundService + "'");
        this.eventType = eventType;
        this.owningService = owningService;
        this.boundService = boundService;
    }

    public String eventType() {
        return eventType;
    }

    public String owningService() {
        return owningService;
    }

    public String boundService() {
        return boundService;
    }
}
