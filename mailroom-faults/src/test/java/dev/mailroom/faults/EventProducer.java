package dev.mailroom.faults;

import dev.mailroom.event.OutboxEvent;
import dev.mailroom.jdbc.publish.OutboxPublisher;
import dev.mailroom.testkit.db.TestDatabase;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One producer thread publishing a scenario's events at a steady rate in transactions of 1 to 20
 * events over a few hundred keys, a share of them rolled back. Being the only producer, its program
 * order is the commit order: each event's payload carries its key and its sequence number within
 * the key, counted over committed events only (a rolled-back transaction's numbers are reused), so
 * the {@link HistoryChecker} knows the order every key must keep. A share of events can be poison:
 * committed and delivered like the rest, with a payload no consumer can decode.
 */
final class EventProducer implements AutoCloseable {

    private final TestDatabase database;
    private final OutboxPublisher publisher;
    private final History history;
    private final Random random;
    private final Plan plan;
    private final Thread thread;
    private volatile Throwable failure;

    /** How many events over how many keys, how fast, what share rolled back and what share poison. */
    record Plan(int events, int keys, int perSecond, double rollbackShare, double poisonShare) {
    }

    EventProducer(TestDatabase database, OutboxPublisher publisher, History history, long seed, Plan plan) {
        this.database = database;
        this.publisher = publisher;
        this.history = history;
        this.random = new Random(seed);
        this.plan = plan;
        this.thread = new Thread(this::run, "fault-producer");
    }

    EventProducer start() {
        thread.start();
        return this;
    }

    private void run() {
        long[] nextSequence = new long[plan.keys()];
        long startedAt = System.nanoTime();
        try (Connection connection = database.openConnection()) {
            connection.setAutoCommit(false);
            int committed = 0;
            while (committed < plan.events()) {
                int size = Math.min(1 + random.nextInt(20), plan.events() - committed);
                long[] before = nextSequence.clone();
                List<Produced> batch = new ArrayList<>(size);
                List<OutboxEvent> events = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    int key = random.nextInt(plan.keys());
                    boolean poison = random.nextDouble() < plan.poisonShare();
                    Produced event = new Produced(UUID.randomUUID(), "key-" + key, nextSequence[key]++, true, poison);
                    batch.add(event);
                    events.add(OutboxEvent.builder(FaultRoutes.EVENT_TYPE).eventId(event.id()).key(event.key())
                            .json(Payloads.json(event)).build());
                }
                publisher.publishAll(connection, events);
                if (random.nextDouble() < plan.rollbackShare()) {
                    connection.rollback();
                    nextSequence = before;
                    batch.forEach(event -> history.produced(Produced.rolledBack(event.id(), event.key(), event.sequence())));
                } else {
                    connection.commit();
                    batch.forEach(history::produced);
                    committed += size;
                }
                pace(startedAt, committed);
            }
        } catch (Throwable e) {
            failure = e;
        }
    }

    private void pace(long startedAt, int committed) {
        long due = startedAt + TimeUnit.SECONDS.toNanos(1) * committed / plan.perSecond();
        long wait = due - System.nanoTime();
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    boolean isRunning() {
        return thread.isAlive();
    }

    /** Waits until every event is published; rethrows what stopped the producer. */
    void awaitDone() throws InterruptedException {
        thread.join();
        if (failure != null) {
            throw new IllegalStateException("the producer failed", failure);
        }
    }

    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join(10_000);
    }
}
