package dev.mailroom.transport;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Delivers events to listeners in the same JVM, after their transaction committed and through the
 * same relay as any broker: the same retries, backoff and dead letters, the same per-key order.
 * For modular monoliths and tests.
 *
 * <p>A listener runs on the relay's thread; a listener that throws fails the delivery, and the
 * relay retries it (every listener of the destination sees the event again, so listeners should
 * be idempotent, as with any at-least-once transport). A listener that throws an
 * {@link UndeliverableException} refuses the event for good: the relay dead-letters it at once.
 */
public final class InProcessTransport implements Transport {

    /** Receives the events of one destination. */
    @FunctionalInterface
    public interface Listener {
        void onEvent(Envelope envelope) throws Exception;
    }

    private final Map<String, List<Listener>> listeners = new ConcurrentHashMap<>();

    /** Adds a listener for a destination (topic); returns this transport. */
    public InProcessTransport subscribe(String destination, Listener listener) {
        listeners.computeIfAbsent(destination, d -> new CopyOnWriteArrayList<>()).add(listener);
        return this;
    }

    @Override
    public String name() {
        return "in-process";
    }

    /** Every destination needs at least one listener; an event nobody would receive is an error. */
    @Override
    public void verifyDestinations(Collection<String> destinations) {
        for (String destination : destinations) {
            if (listeners.getOrDefault(destination, List.of()).isEmpty()) {
                throw new MissingDestinationException(name(), destination,
                        "subscribe a listener to it before starting the relay");
            }
        }
    }

    @Override
    public CompletableFuture<Void> send(Envelope envelope) {
        try {
            for (Listener listener : listeners.getOrDefault(envelope.destination(), List.of())) {
                listener.onEvent(envelope);
            }
            return CompletableFuture.completedFuture(null);
        } catch (UndeliverableException e) {
            return CompletableFuture.failedFuture(e);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(
                    new DeliveryException("in-process listener of " + envelope.destination() + " failed: " + e, e));
        }
    }

    @Override
    public void close() {
        listeners.clear();
    }
}
