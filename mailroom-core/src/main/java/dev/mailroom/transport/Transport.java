package dev.mailroom.transport;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;

/**
 * Where the relay hands events over. Small on purpose, so that RabbitMQ or NATS JetStream can be
 * added without touching the relay.
 *
 * <p>{@link #send} must not block for the acknowledgement: the relay sends a whole batch before it
 * waits, so sends are in flight concurrently. The returned future completes when the transport has
 * durably accepted the event, or fails with the reason; it must complete within the transport's
 * own bounded delivery timeout. A failed future is a retryable delivery failure, unless it fails
 * with an {@link UndeliverableException} (no retry can fix it: the relay dead-letters the row at once).
 */
public interface Transport extends AutoCloseable {

    /** A short name for logs and metric tags, e.g. {@code kafka}. */
    String name();

    /**
     * Checks at start that every destination exists (creating them when so configured).
     *
     * @throws MissingDestinationException naming the first missing destination
     */
    void verifyDestinations(Collection<String> destinations);

    /** Starts sending; see the class comment for the contract of the future. */
    CompletableFuture<Void> send(Envelope envelope);

    /** Releases the transport's resources; sends still in flight may fail. */
    @Override
    void close();
}
