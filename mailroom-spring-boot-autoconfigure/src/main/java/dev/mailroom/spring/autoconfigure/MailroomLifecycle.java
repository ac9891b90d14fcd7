package dev.mailroom.spring.autoconfigure;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Background workers of one kind (relays, consumer runners) as one lifecycle bean: started once
 * every singleton is ready, closed when the context closes, before the {@code DataSource} and the
 * transport are destroyed. A start that fails part-way closes what it had started.
 */
abstract class MailroomLifecycle<T extends AutoCloseable> implements SmartLifecycle {

    /** Lower phases start first and stop last; the web server runs at {@code DEFAULT_PHASE - 2048}. */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1;

    private static final Logger LOG = LoggerFactory.getLogger(MailroomLifecycle.class);

    private final Map<String, T> workers;
    private volatile boolean running;

    MailroomLifecycle(Map<String, T> workers) {
        this.workers = Collections.unmodifiableMap(new LinkedHashMap<>(workers));
    }

    /** Starts one worker. */
    abstract void start(T worker);

    Map<String, T> workers() {
        return workers;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        List<T> started = new ArrayList<>();
        try {
            for (T worker : workers.values()) {
                start(worker);
                started.add(worker);
            }
        } catch (RuntimeException e) {
            started.forEach(this::closeQuietly);
            throw e;
        }
        running = true;
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        workers.values().forEach(this::closeQuietly);
    }

    private void closeQuietly(T worker) {
        try {
            worker.close();
        } catch (Exception e) {
            LOG.warn("{} did not close cleanly: {}", worker, e.toString());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts after, and stops before, the web server and other default-phase beans. */
    @Override
    public int getPhase() {
        return PHASE;
    }
}
