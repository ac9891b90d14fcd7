package dev.mailroom.bench;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/** Producer threads committing single-event transactions on a fixed schedule, noting each commit's time. */
final class FixedRate {

    /** One producer thread's way to commit one event; returns the event's id. */
    interface Producer extends AutoCloseable {
        UUID commitOne(long sequence) throws Exception;
    }

    @FunctionalInterface
    interface ProducerFactory {
        Producer open() throws Exception;
    }

    /** Writes one event on a connection in a transaction the caller commits. */
    @FunctionalInterface
    interface Statement {
        UUID write(Connection connection, long sequence) throws Exception;
    }

    private FixedRate() {
    }

    /** Waits (at most {@code timeoutSeconds}) until every committed event has a time in each of {@code arrivals}. */
    @SafeVarargs
    static void awaitAll(Map<UUID, Long> committed, int timeoutSeconds, Map<UUID, Long>... arrivals) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        for (Map<UUID, Long> arrived : arrivals) {
            while (!arrived.keySet().containsAll(committed.keySet()) && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
    }

    /** Each producer thread holds one connection; each event is written by {@code statement} and committed. */
    static ProducerFactory onConnection(DataSource dataSource, Statement statement) {
        return () -> {
            Connection connection = dataSource.getConnection();
            connection.setAutoCommit(false);
            return new Producer() {
                @Override
                public UUID commitOne(long sequence) throws Exception {
                    UUID id = statement.write(connection, sequence);
                    connection.commit();
                    return id;
                }

                @Override
                public void close() throws Exception {
                    connection.close();
                }
            };
        };
    }

    /**
     * Commits events on schedule for {@code warmupSeconds} (not recorded: JIT, connections, broker
     * metadata), then {@code ratePerSecond * seconds} more; returns each recorded event's id and
     * {@link System#nanoTime()} right after its commit.
     */
    static Map<UUID, Long> produce(int ratePerSecond, int warmupSeconds, int seconds, int threads, ProducerFactory factory)
            throws Exception {
        Map<UUID, Long> committedNanos = new ConcurrentHashMap<>();
        long warmup = (long) ratePerSecond * warmupSeconds;
        long total = warmup + (long) ratePerSecond * seconds;
        AtomicLong next = new AtomicLong();
        long interval = TimeUnit.SECONDS.toNanos(1) / ratePerSecond;
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    try (Producer producer = factory.open()) {
                        long slot;
                        while ((slot = next.getAndIncrement()) < total) {
                            LockSupport.parkNanos(start + slot * interval - System.nanoTime());
                            UUID id = producer.commitOne(slot);
                            if (slot >= warmup) {
                                committedNanos.put(id, System.nanoTime());
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
        return committedNanos;
    }
}
