package dev.mailroom.kafka;

import dev.mailroom.transport.DeliveryException;
import dev.mailroom.transport.UndeliverableException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.UnsupportedForMessageFormatException;

/**
 * Which Kafka errors no retry can fix, in one place. Everything else (broker down, leader moving,
 * timeouts, a topic not there yet) is retried by the relay with backoff.
 */
final class KafkaErrors {

    private KafkaErrors() {
    }

    /** The exception a failed send completes with: {@link UndeliverableException} when retrying cannot help. */
    static DeliveryException deliveryFailure(String what, Throwable error) {
        String message = what + ": " + error;
        return isPermanent(error) ? new UndeliverableException(message, error) : new DeliveryException(message, error);
    }

    static boolean isPermanent(Throwable error) {
        return error instanceof RecordTooLargeException          // over max.request.size or the topic's max.message.bytes
                || error instanceof RecordBatchTooLargeException
                || error instanceof SerializationException
                || error instanceof AuthorizationException         // topic, cluster or transactional id ACLs
                || error instanceof InvalidTopicException
                || error instanceof InvalidRecordException         // e.g. no key on a compacted topic
                || error instanceof UnsupportedForMessageFormatException;
    }
}
