package dev.mailroom.bench;

import dev.mailroom.transport.Envelope;
import dev.mailroom.transport.Transport;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Wraps the relay's transport and notes when each event was acknowledged ({@link System#nanoTime()});
 * with an acknowledgement delay, each acknowledgement reaches the relay that much later, as from a
 * broker that far away (the in-process broker answers within a millisecond or two).
 */
final class RecordingTransport implements Transport {

    private final Transport delegate;
    private final Map<UUID, Long> ackNanos;
    private final LongAdder acknowledged = new LongAdder();
    private final AtomicLong firstAckNanos = new AtomicLong();
    private final Executor acknowledgements;

    RecordingTransport(Transport delegate, boolean keepTimes, int ackDelayMs) {
        this.delegate = delegate;
        this.ackNanos = keepTimes ? new ConcurrentHashMap<>() : null;
        this.acknowledgements = ackDelayMs == 0 ? null : CompletableFuture.delayedExecutor(ackDelayMs, TimeUnit.MILLISECONDS);
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
        CompletableFuture<Void> sent = delegate.send(envelope);
        if (acknowledgements != null) {
            sent = sent.thenApplyAsync(ok -> ok, acknowledgements);
        }
        return sent.whenComplete((ok, error) -> {
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
