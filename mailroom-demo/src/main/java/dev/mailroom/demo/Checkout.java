package dev.mailroom.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Places orders on a fixed schedule from a few threads, as concurrent checkouts would: order
 * {@code i} starts at {@code start + i / rate} whether or not the orders before it have committed.
 * One thread alone falls behind the schedule as soon as orders take longer than the interval
 * (4 ms at 250/s): in the demo an order (two inserts and a commit that waits for the WAL flush)
 * took 3-10 ms at the median, so the demo offered 70-240 orders/s instead of 250.
 */
final class Checkout {

    /** Places order number {@code i} in its own transaction; returns its event id. */
    @FunctionalInterface
    interface Order {
        UUID place(int i) throws Exception;
    }

    /** When each order's transaction committed ({@link System#nanoTime()}). */
    record Placed(Map<UUID, Long> committedAt, long start, long lastCommit) {

        /** Orders committed per second, from the schedule's start to the last commit. */
        double ratePerSecond() {
            return committedAt.size() / ((lastCommit - start) / 1e9);
        }
    }

    static final int THREADS = 4;

    private Checkout() {
    }

    static Placed place(int orders, int ratePerSecond, Order order) throws Exception {
        Map<UUID, Long> committedAt = new ConcurrentHashMap<>();
        long interval = 1_000_000_000L / Math.max(1, ratePerSecond);
        long start = System.nanoTime();
        AtomicInteger named = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(THREADS, runnable -> {
            Thread thread = new Thread(runnable, "demo-checkout-" + named.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        AtomicInteger slots = new AtomicInteger();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                running.add(threads.submit(() -> {
                    for (int i = slots.getAndIncrement(); i < orders; i = slots.getAndIncrement()) {
                        LockSupport.parkNanos(start + i * interval - System.nanoTime());
                        UUID id = order.place(i);
                        committedAt.put(id, System.nanoTime());
                    }
                    return null;
                }));
            }
            for (Future<?> thread : running) {
                thread.get();
            }
        } finally {
            threads.shutdownNow();
        }
        long lastCommit = committedAt.values().stream().mapToLong(Long::longValue).max().orElse(start);
        return new Placed(committedAt, start, lastCommit);
    }
}
