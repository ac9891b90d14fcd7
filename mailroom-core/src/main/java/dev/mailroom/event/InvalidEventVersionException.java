package dev.mailroom.event;

/** The event version is below 1. */
public final class InvalidEventVersionException extends InvalidEventException {

    InvalidEventVersionException(OutboxEvent event, String problem) {
        super(event, problem);
    }
}
