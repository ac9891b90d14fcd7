package dev.mailroom.event;

/** The headers, names plus values in UTF-8, exceed the configured limit. */
public final class HeadersTooLargeException extends InvalidEventException {

    HeadersTooLargeException(OutboxEvent event, String problem) {
        super(event, problem);
    }
}
