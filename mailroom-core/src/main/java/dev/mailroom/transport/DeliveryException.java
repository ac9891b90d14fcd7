package dev.mailroom.transport;

import dev.mailroom.MailroomException;

/**
 * A transport refused or failed to acknowledge an event; the relay retries it with backoff, unless
 * it is an {@link UndeliverableException}.
 */
public class DeliveryException extends MailroomException {

    public DeliveryException(String message) {
        super(message);
    }

    public DeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
