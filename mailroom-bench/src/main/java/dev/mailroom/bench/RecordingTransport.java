package dev.mailroom.bench;

import dev.mailroom.transport.Envelope;
import dev.mailroom.transport.Transport;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
    private final int ackDelayMs;
    /** Hands out the delayed outcomes; one thread (not a thread per task, as the common pool on 2 cores would). */
    private final ScheduledExecutorService delayer;

    RecordingTransport(Transport delegate, boolean keepTimes, int ackDelayMs) {
        this.delegate = delegate;
        this.ackNanos = keepTimes ? new ConcurrentHashMap<>() : null;
        this.ackDelayMs = ackDelayMs;
        this.delayer = ackDelayMs == 0 ? null : Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "bench-ack-delay");
            thread.setDaemon(true);
            return thread;
        });
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
        if (delayer != null) {
            sent = delayed(sent);
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

    /** The outcome of {@code sent}, success or failure, {@code ackDelayMs} after it came. */
    private CompletableFuture<Void> delayed(CompletableFuture<Void> sent) {
        CompletableFuture<Void> late = new CompletableFuture<>();
        sent.whenComplete((ok, error) -> delayer.schedule(() -> {
            if (error == null) {
                late.complete(ok);
            } else {
                late.completeExceptionally(error);
            }
        }, ackDelayMs, TimeUnit.MILLISECONDS));
        return late;
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
        if (delayer != null) {
            delayer.shutdown();
        }
        delegate.close();
    }
}
