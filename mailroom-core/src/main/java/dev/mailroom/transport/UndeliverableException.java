package dev.mailroom.transport;

/**
 * The transport refused an event for a reason no retry can fix: the record is larger than it
 * accepts, cannot be serialized, or the relay is not authorized for its destination. The relay
 * moves the row to {@code dead} at once with this reason, instead of retrying it for minutes while
 * it holds back its key; an operator can replay it once the cause is fixed.
 */
public class UndeliverableException extends DeliveryException {

    public UndeliverableException(String message, Throwable cause) {
        super(message, cause);
    }
}
