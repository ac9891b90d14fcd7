package dev.mailroom.event;

/** The payload is declared JSON but does not parse as one JSON value. */
public final class InvalidJsonPayloadException extends InvalidEventException {

    InvalidJsonPayloadException(OutboxEvent event, String problem, Throwable cause) {
        super(event, problem, cause);
    }
}
