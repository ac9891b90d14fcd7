package dev.mailroom.event;

/** The payload is larger than the configured limit. */
public final class PayloadTooLargeException extends InvalidEventException {

    PayloadTooLargeException(OutboxEvent event, String problem) {
        super(event, problem);
    }
}
