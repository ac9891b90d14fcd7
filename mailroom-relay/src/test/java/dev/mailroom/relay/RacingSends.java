package dev.mailroom.relay;

import static dev.mailroom.relay.RelayFixture.sequence;

import dev.mailroom.transport.DeliveryException;
import dev.mailroom.transport.Envelope;
import dev.mailroom.transport.Transport;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sends of racing relays, through one {@link #transport()}. Each send is acknowledged (or fails,
 * transiently, for a seeded share of sends) a moment later on a thread of its own, so sends really
 * are in flight; it records every key and event in flight, every successful delivery in order per
 * key, and every moment a key or event had two sends in flight at once.
 */
final class RacingSends implements AutoCloseable {

    private final Random random;
    private final int failurePercent;
    private final ScheduledExecutorService acks = Executors.newScheduledThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "race-transport-acks");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, Integer> inFlightByKey = new ConcurrentHashMap<>();
    private final Set<UUID> inFlightEvents = ConcurrentHashMap.newKeySet();
    private final Map<UUID, Integer> successes = new ConcurrentHashMap<>();
    private final Map<String, List<Integer>> deliveredSequences = new ConcurrentHashMap<>();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger failures = new AtomicInteger();

    RacingSends(long seed, int failurePercent) {
        this.random = new Random(seed);
        this.failurePercent = failurePercent;
    }

    /** The transport the relays share. */
    Transport transport() {
        return new ScriptedTransport(this::send);
    }

    private CompletableFuture<Void> send(Envelope envelope) {
        int sendsOfKey = inFlightByKey.merge(envelope.key(), 1, Integer::sum);
        if (sendsOfKey > 1) {
            violations.add(sendsOfKey + " sends of key " + envelope.key() + " in flight at once");
        }
        if (!inFlightEvents.add(envelope.eventId())) {
            violations.add("event " + envelope.eventId() + " sent while a send of it was in flight");
        }
        boolean fail;
        long delayMicros;
        synchronized (random) {
            fail = random.nextInt(100) < failurePercent;
            delayMicros = random.nextInt(2_000);
        }
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        acks.schedule(() -> {
            // recorded before the relay can see the outcome, so the next send of the key comes after
            if (fail) {
                failures.incrementAndGet();
            } else {
                successes.merge(envelope.eventId(), 1, Integer::sum);
                deliveredSequences.computeIfAbsent(envelope.key(), k -> Collections.synchronizedList(new ArrayList<>()))
                        .add(sequence(envelope));
            }
            inFlightEvents.remove(envelope.eventId());
            inFlightByKey.merge(envelope.key(), -1, Integer::sum);
            if (fail) {
                acknowledged.completeExceptionally(new DeliveryException("injected transient failure"));
            } else {
                acknowledged.complete(null);
            }
        }, delayMicros, TimeUnit.MICROSECONDS);
        return acknowledged;
    }

    /** Successful sends per event. */
    Map<UUID, Integer> successes() {
        return successes;
    }

    /** The sequence numbers of each key's successful sends, in the order they were acknowledged. */
    Map<String, List<Integer>> deliveredSequences() {
        return deliveredSequences;
    }

    /** What went wrong in flight: two sends of one key, or of one event, at the same time. */
    List<String> violations() {
        return List.copyOf(violations);
    }

    int failures() {
        return failures.get();
    }

    @Override
    public void close() {
        acks.shutdownNow();
    }
}
