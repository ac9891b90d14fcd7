package dev.mailroom.event;

/** The event has no payload. */
public final class MissingPayloadException extends InvalidEventException {

    MissingPayloadException(OutboxEvent event, String problem) {
        super(event, problem);
    }
}
