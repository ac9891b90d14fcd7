package dev.mailroom.event;

/** The payload has no media type, so neither the relay nor a consumer could tell how to read it. */
public final class MissingContentTypeException extends InvalidEventException {

    MissingContentTypeException(OutboxEvent event, String problem) {
        super(event, problem);
    }
}
