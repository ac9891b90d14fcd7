package dev.mailroom.event;

/** The event type is null or blank. */
public final class BlankEventTypeException extends InvalidEventException {

    BlankEventTypeException(OutboxEvent event, String problem) {
        super(event, problem);
    }
}
