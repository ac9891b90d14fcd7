package dev.mailroom.faults;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

/** Waits between the steps of a fault schedule (never as an assertion: conditions use Awaitility). */
final class Pacing {

    private Pacing() {
    }

    /** Waits a random time between {@code min} and {@code max}. */
    static void between(Random random, Duration min, Duration max) {
        long spread = max.toNanos() - min.toNanos();
        wait(Duration.ofNanos(min.toNanos() + (spread <= 0 ? 0 : (long) (random.nextDouble() * spread))));
    }

    static void wait(Duration duration) {
        long until = System.nanoTime() + duration.toNanos();
        long left;
        while ((left = until - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }
}
