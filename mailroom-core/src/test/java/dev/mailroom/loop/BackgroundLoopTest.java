package dev.mailroom.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BackgroundLoopTest {

    private static final Duration LONG = Duration.ofMinutes(10);

    @Test
    void runsAgainAtOnceWhileThereIsWorkThenWaitsForAWakeUp() {
        AtomicInteger passes = new AtomicInteger();
        AtomicInteger work = new AtomicInteger(5);
        try (BackgroundLoop loop = new BackgroundLoop("test-loop", LONG, LONG,
                () -> {
                    passes.incrementAndGet();
                    return work.getAndDecrement() > 0;
                }).start()) {
            await().atMost(Duration.ofSeconds(5)).untilAtomic(passes, org.hamcrest.Matchers.equalTo(6));
            work.set(0);
            loop.wake();
            await().atMost(Duration.ofSeconds(5)).untilAtomic(passes, org.hamcrest.Matchers.equalTo(7));
            assertThat(loop.isRunning()).isTrue();
        }
    }

    @Test
    void anIdleLoopWaitsForItsTimeoutAndDoesNotSpin() {
        AtomicInteger passes = new AtomicInteger();
        try (BackgroundLoop loop = new BackgroundLoop("idle-loop", Duration.ofMillis(200), LONG,
                () -> passes.incrementAndGet() < 0).start()) {
            await().atMost(Duration.ofSeconds(5)).untilAtomic(passes, org.hamcrest.Matchers.greaterThanOrEqualTo(3));
            assertThat(passes.get()).as("about one pass per 200 ms, not thousands").isLessThan(30);
            assertThat(loop.toString()).contains("idle-loop");
        }
    }

    @Test
    void wakeWithinEndsALongWaitAfterTheDelayNotAtOnce() {
        java.util.List<Long> passes = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (BackgroundLoop loop = new BackgroundLoop("test-wake-within", Duration.ofMinutes(5), Duration.ofSeconds(1),
                () -> {
                    passes.add(System.nanoTime());
                    return false;
                }).start()) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> passes.size() == 1);
            long asked = System.nanoTime();
            loop.wakeWithin(Duration.ofMillis(300));
            loop.wakeWithin(Duration.ofSeconds(10));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> passes.size() == 2);
            long waited = passes.get(1) - asked;
            org.assertj.core.api.Assertions.assertThat(Duration.ofNanos(waited))
                    .as("not at once, and the later ask did not push it back")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(250)).isLessThan(Duration.ofSeconds(9));
        }
    }

    @Test
    void anExceptionIsLoggedAndTheLoopGoesOn() {
        AtomicInteger passes = new AtomicInteger();
        try (BackgroundLoop loop = new BackgroundLoop("failing-loop", LONG, Duration.ofMillis(10), () -> {
            if (passes.incrementAndGet() < 3) {
                throw new IllegalStateException("boom");
            }
            return false;
        }).start()) {
            await().atMost(Duration.ofSeconds(5)).untilAtomic(passes, org.hamcrest.Matchers.equalTo(3));
            assertThat(loop.isRunning()).isTrue();
        }
    }

    @Test
    void stopEndsTheThreadPromptlyEvenDuringALongWait() {
        BackgroundLoop loop = new BackgroundLoop("stopping-loop", LONG, LONG, () -> false).start();
        assertThat(loop.stop(Duration.ofSeconds(5))).isTrue();
        assertThat(loop.isRunning()).isFalse();
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> new BackgroundLoop("x", Duration.ZERO, LONG, () -> false))
                .hasMessageContaining("idleWait");
    }

    @Test
    void aRunOfFailuresIsCountedWhileItLastsAndEndsWithTheFirstGoodPass() {
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        AtomicInteger passes = new AtomicInteger();
        try (BackgroundLoop loop = new BackgroundLoop("flaky-loop", LONG, Duration.ofMillis(10), () -> {
            passes.incrementAndGet();
            if (down.get()) {
                throw new IllegalStateException("database down");
            }
            return false;
        }).start()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> loop.failures().failures() >= 3);
            assertThat(loop.failures().lastError()).contains("database down");
            assertThat(loop.failures().since()).isNotNull();
            down.set(false);
            await().atMost(Duration.ofSeconds(5)).until(() -> loop.failures().failures() == 0);
            assertThat(loop.failures().since()).isNull();
            assertThat(loop.isRunning()).isTrue();
        }
    }
}
