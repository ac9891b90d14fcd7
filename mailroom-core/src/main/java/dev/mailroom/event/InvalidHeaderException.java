package dev.mailroom.event;

/** A header with a blank name or a null value. */
public final class InvalidHeaderException extends InvalidEventException {

    InvalidHeaderException(OutboxEvent event, String problem) {
        super(event, problem);
    }
}
