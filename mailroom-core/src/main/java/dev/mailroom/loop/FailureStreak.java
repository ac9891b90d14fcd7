package dev.mailroom.loop;

import java.time.Clock;
import java.time.Instant;

/**
 * A run of consecutive failures of one step (a loop's pass, an inbox write, a poll, an offset
 * commit): how many, since when, and the last error, so that an outage logs one line when it starts
 * and one when it ends, and health checks can read it. Written by the step's thread, read from any
 * thread.
 */
public final class FailureStreak {

    /** The streak as it stands; {@code since} is null when the last attempt succeeded. */
    public record Snapshot(int failures, Instant since, String lastError) {
    }

    private final Clock clock;
    private int failures;
    private Instant since;
    private String lastError;

    public FailureStreak(Clock clock) {
        this.clock = clock;
    }

    /** Records a failure; returns how many in a row, so the caller logs the first one only. */
    public synchronized int failed(Throwable error) {
        if (failures == 0) {
            since = clock.instant();
        }
        lastError = error.toString();
        return ++failures;
    }

    /** Records a success; returns how many failures it ended (zero when there was no streak). */
    public synchronized int succeeded() {
        int ended = failures;
        failures = 0;
        since = null;
        return ended;
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(failures, since, lastError);
    }
}
