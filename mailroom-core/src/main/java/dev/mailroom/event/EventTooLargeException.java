package dev.mailroom.event;

/**
 * The event as a transport record (payload, key, headers and Mailroom's own metadata) would be
 * larger than the transport accepts ({@link PublishLimits#maxRecordBytes()}); the broker would
 * refuse it on every attempt.
 */
public final class EventTooLargeException extends InvalidEventException {

    EventTooLargeException(OutboxEvent event, String problem) {
        super(event, problem);
    }
}
