package dev.mailroom.loop;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one loop behind every background job (relay claim loop, lease reaper, retention, ledger
 * worker): run the body; if it did work, run it again at once; otherwise wait until
 * {@link #wake()} or the idle timeout; on an unexpected exception, wait the error backoff and try
 * again; stop on {@link #close()}. A run of failures (a database outage) logs one WARN line when it
 * starts (and when its error changes) and one INFO line when a pass succeeds again, not a line per
 * pass; {@link #failures()} tells how it stands.
 *
 * <p>An idle loop costs nothing but its wake-ups: no busy spinning. One named platform thread per
 * loop.
 */
public final class BackgroundLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundLoop.class);

    /** One pass of the job. */
    @FunctionalInterface
    public interface Body {
        /** Returns true when it did work and should run again at once. */
        boolean runOnce() throws Exception;
    }

    /** One pass of a job that knows when it is next due (a retry's backoff, a lease's expiry). */
    @FunctionalInterface
    public interface ScheduledBody {
        /** Returns how long to wait before the next pass: zero to run again at once; capped at the idle wait. */
        Duration runOnce() throws Exception;
    }

    private final String name;
    private final ScheduledBody body;
    private final Duration idleWait;
    private final Duration errorBackoff;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition signal = lock.newCondition();
    private final Thread thread;
    private final FailureStreak failures = new FailureStreak(Clock.systemUTC());
    private boolean woken;
    /** When a {@link #wakeWithin} asked the current (or next) wait to end; {@code Long.MAX_VALUE}: no such ask. */
    private long wakeAtNanos = Long.MAX_VALUE;
    private volatile boolean running;

    public BackgroundLoop(String name, Duration idleWait, Duration errorBackoff, Body body) {
        this(name, idleWait, errorBackoff, toScheduled(Objects.requireNonNull(body, "body"), idleWait));
    }

    private BackgroundLoop(String name, Duration idleWait, Duration errorBackoff, ScheduledBody body) {
        this.name = Objects.requireNonNull(name, "name");
        this.body = Objects.requireNonNull(body, "body");
        this.idleWait = requirePositive("idleWait", idleWait);
        this.errorBackoff = requirePositive("errorBackoff", errorBackoff);
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /** A loop whose body says when it is next due; {@code idleWait} is the longest wait between passes. */
    public static BackgroundLoop scheduled(String name, Duration idleWait, Duration errorBackoff, ScheduledBody body) {
        return new BackgroundLoop(name, idleWait, errorBackoff, body);
    }

    private static ScheduledBody toScheduled(Body body, Duration idleWait) {
        return () -> body.runOnce() ? Duration.ZERO : idleWait;
    }

    private static Duration requirePositive(String setting, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(setting + " must be positive, was " + value);
        }
        return value;
    }

    /** Starts the thread; the body runs at once. */
    public BackgroundLoop start() {
        running = true;
        thread.start();
        return this;
    }

    /** Ends the current wait, if any, so the body runs again now. Cheap; callable from any thread. */
    public void wake() {
        lock.lock();
        try {
            woken = true;
            signal.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes the current wait, if any (or else the next one), end no later than {@code delay} from
     * now: the body runs again within {@code delay}. For a signal that comes just before the work is
     * there (a publisher's write, before its commit): running at once would find nothing.
     */
    public void wakeWithin(Duration delay) {
        long at = System.nanoTime() + delay.toNanos();
        lock.lock();
        try {
            if (wakeAtNanos == Long.MAX_VALUE || at - wakeAtNanos < 0) {
                wakeAtNanos = at;
                signal.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    public boolean isRunning() {
        return running && thread.isAlive();
    }

    /** Stops after the current pass and waits for the thread, up to {@code timeout}. Returns whether it ended. */
    public boolean stop(Duration timeout) {
        running = false;
        wake();
        if (thread.isAlive() && Thread.currentThread() != thread) {
            try {
                thread.join(Math.max(1, timeout.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return !thread.isAlive();
    }

    @Override
    public void close() {
        if (!stop(Duration.ofSeconds(30))) {
            LOG.warn("Background loop {} did not stop within 30 s; interrupting it", name);
            thread.interrupt();
        }
    }

    private void run() {
        while (running) {
            Duration wait;
            try {
                Duration next = body.runOnce();
                recovered();
                if (next == null || next.isZero() || next.isNegative()) {
                    continue;
                }
                wait = next.compareTo(idleWait) > 0 ? idleWait : next;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception | Error e) {
                failed(e);
                wait = errorBackoff;
            }
            await(wait);
        }
        running = false;
    }

    /** How the loop's passes stand: zero failures while the last pass succeeded. */
    public FailureStreak.Snapshot failures() {
        return failures.snapshot();
    }

    private void failed(Throwable error) {
        String previous = failures.snapshot().lastError();
        int count = failures.failed(error);
        if (count == 1 || !error.toString().equals(previous)) {
            LOG.warn("Background loop {} failed, retrying every {} ms until it recovers: {}", name,
                    errorBackoff.toMillis(), error.toString(), LOG.isDebugEnabled() ? error : null);
        } else {
            LOG.debug("Background loop {} failed again ({} in a row): {}", name, count, error.toString());
        }
    }

    private void recovered() {
        FailureStreak.Snapshot streak = failures.snapshot();
        if (failures.succeeded() > 0) {
            LOG.info("Background loop {} recovered after {} failed passes (failing since {})", name,
                    streak.failures(), streak.since());
        }
    }

    private void await(Duration wait) {
        lock.lock();
        try {
            long deadline = System.nanoTime() + wait.toNanos();
            while (!woken && running) {
                long until = wakeAtNanos != Long.MAX_VALUE && wakeAtNanos - deadline < 0 ? wakeAtNanos : deadline;
                long nanos = until - System.nanoTime();
                if (nanos <= 0) {
                    break;
                }
                signal.awaitNanos(nanos);
            }
            woken = false;
            wakeAtNanos = Long.MAX_VALUE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "BackgroundLoop[" + name + (running ? ", running" : ", stopped") + "]";
    }
}
