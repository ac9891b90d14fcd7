package dev.mailroom.bench;

import dev.mailroom.transport.Envelope;
import dev.mailroom.transport.Transport;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Wraps the relay's transport and notes when each event was acknowledged ({@link System#nanoTime()}). */
final class RecordingTransport implements Transport {

    private final Transport delegate;
    private final Map<UUID, Long> ackNanos;
    private final LongAdder acknowledged = new LongAdder();
    private final AtomicLong firstAckNanos = new AtomicLong();

    RecordingTransport(Transport delegate, boolean keepTimes) {
        this.delegate = delegate;
        this.ackNanos = keepTimes ? new ConcurrentHashMap<>() : null;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public void verifyDestinations(Collection<String> destinations) {
        delegate.verifyDestinations(destinations);
    }

    @Override
    public CompletableFuture<Void> send(Envelope envelope) {
        return delegate.send(envelope).whenComplete((ok, error) -> {
            if (error == null) {
                acknowledged.increment();
                if (firstAckNanos.get() == 0) {
                    firstAckNanos.compareAndSet(0, System.nanoTime());
                }
                if (ackNanos != null) {
                    ackNanos.putIfAbsent(envelope.eventId(), System.nanoTime());
                }
            }
        });
    }

    long acknowledged() {
        return acknowledged.sum();
    }

    /** {@link System#nanoTime()} of the first acknowledgement, 0 before it. */
    long firstAckNanos() {
        return firstAckNanos.get();
    }

    Map<UUID, Long> ackNanos() {
        return ackNanos;
    }

    @Override
    public void close() {
        delegate.close();
    }
}
