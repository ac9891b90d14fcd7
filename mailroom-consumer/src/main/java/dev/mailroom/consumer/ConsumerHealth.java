package dev.mailroom.consumer;

import java.time.Instant;

/**
 * Whether a {@link ConsumerRunner} is doing its job, as {@link ConsumerRunner#health()} sees it.
 *
 * @param healthy             started, both threads alive, and inbox writes succeeding (or failing
 *                            for less than the runner's {@code unhealthyAfter})
 * @param receiverRunning     the thread that writes received records into the inbox is alive
 * @param workerRunning       the thread that runs the handlers is alive
 * @param lastInboxWriteError the last failed inbox write's error; null if none failed since start
 * @param failingSince        when the current run of failed inbox writes began; null when the last
 *                            write succeeded
 * @param consecutiveFailures failed inbox writes in a row (zero when the last one succeeded)
 */
public record ConsumerHealth(boolean healthy, boolean receiverRunning, boolean workerRunning,
                             String lastInboxWriteError, Instant failingSince, int consecutiveFailures) {
}
