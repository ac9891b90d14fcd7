package dev.mailroom.event;

/**
 * A header whose name Mailroom writes itself ({@link ReservedHeaders}): accepting it would let the
 * caller override the event id, type or source the consumer's inbox deduplicates on.
 */
public final class ReservedHeaderException extends InvalidEventException {

    ReservedHeaderException(OutboxEvent event, String problem) {
        super(event, problem);
    }
}
