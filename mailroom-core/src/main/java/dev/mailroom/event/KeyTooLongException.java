package dev.mailroom.event;

/** The key is longer than the configured limit. */
public final class KeyTooLongException extends InvalidEventException {

    KeyTooLongException(OutboxEvent event, String problem) {
        super(event, problem);
    }
}
