package dev.mailroom.retry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff: after the n-th failed attempt the next one waits
 * {@code initialDelay · 2^(n-1)}, capped at {@code maxDelay} (1 s, 2 s, 4 s … 32 s by default).
 * With jitter {@code j}, each delay is drawn uniformly from {@code [delay·(1-j), delay]}, which
 * spreads out retries of rows that failed together. A row that has failed {@code maxAttempts}
 * times is dead.
 */
public final class RetryPolicy {

    public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(32);
    public static final int DEFAULT_MAX_ATTEMPTS = 20;
    public static final double DEFAULT_JITTER = 0.0;

    private final Duration initialDelay;
    private final Duration maxDelay;
    private final int maxAttempts;
    private final double jitter;
    private final DoubleSupplier random;

    private RetryPolicy(Builder builder) {
        this.initialDelay = builder.initialDelay;
        this.maxDelay = builder.maxDelay;
        this.maxAttempts = builder.maxAttempts;
        this.jitter = builder.jitter;
        this.random = builder.random;
    }

    public static RetryPolicy defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How long to wait after the {@code failedAttempts}-th failure (1-based). */
    public Duration delayAfter(int failedAttempts) {
        if (failedAttempts < 1) {
            throw new IllegalArgumentException("failedAttempts must be at least 1, was " + failedAttempts);
        }
        long capMillis = maxDelay.toMillis();
        long millis = Math.min(capMillis, initialDelay.toMillis());
        for (int attempt = 1; attempt < failedAttempts && millis < capMillis; attempt++) {
            millis = Math.min(capMillis, millis * 2);
        }
        if (jitter > 0) {
            millis -= (long) (millis * jitter * random.getAsDouble());
        }
        return Duration.ofMillis(millis);
    }

    /** Whether a row that has failed {@code failedAttempts} times, with this limit, is dead. */
    public static boolean isExhausted(int failedAttempts, int maxAttempts) {
        return failedAttempts >= maxAttempts;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration initialDelay() {
        return initialDelay;
    }

    public Duration maxDelay() {
        return maxDelay;
    }

    public double jitter() {
        return jitter;
    }

    /** Settings with the {@code DEFAULT_*} values, checked at {@link #build()}. */
    public static final class Builder {

        private Duration initialDelay = DEFAULT_INITIAL_DELAY;
        private Duration maxDelay = DEFAULT_MAX_DELAY;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private double jitter = DEFAULT_JITTER;
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

        private Builder() {
        }

        public Builder initialDelay(Duration initialDelay) {
            this.initialDelay = initialDelay;
            return this;
        }

        public Builder maxDelay(Duration maxDelay) {
            this.maxDelay = maxDelay;
            return this;
        }

        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** Fraction of each delay that may be taken off at random, from 0 (none) to 1. */
        public Builder jitter(double jitter) {
            this.jitter = jitter;
            return this;
        }

        /** Source of uniform numbers in [0, 1) for the jitter; for tests. */
        public Builder random(DoubleSupplier random) {
            this.random = random;
            return this;
        }

        public RetryPolicy build() {
            if (initialDelay == null || initialDelay.toMillis() < 1) {
                throw new IllegalArgumentException("initialDelay must be at least 1 ms, was " + initialDelay);
            }
            if (maxDelay == null || maxDelay.compareTo(initialDelay) < 0) {
                throw new IllegalArgumentException("maxDelay must be at least initialDelay (" + initialDelay
                        + "), was " + maxDelay);
            }
            if (maxAttempts < 1 || maxAttempts > 1000) {
                throw new IllegalArgumentException("maxAttempts must be between 1 and 1000, was " + maxAttempts);
            }
            if (!(jitter >= 0 && jitter <= 1)) {
                throw new IllegalArgumentException("jitter must be between 0 and 1, was " + jitter);
            }
            return new RetryPolicy(this);
        }
    }
}
