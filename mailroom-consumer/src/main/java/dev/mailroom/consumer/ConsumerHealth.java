package dev.mailroom.consumer;

import java.time.Instant;

/**
 * Whether a {@link ConsumerRunner} is doing its job, as {@link ConsumerRunner#health()} sees it.
 *
 * @param healthy             started, both threads alive, and inbox writes, Kafka polls, offset
 *                            commits and the worker's passes succeeding (or failing for less than
 *                            the runner's {@code unhealthyAfter})
 * @param receiverRunning     the thread that writes received records into the inbox is alive
 * @param workerRunning       the thread that runs the handlers is alive
 * @param lastInboxWriteError the last failed inbox write's error; null if none failed since start
 * @param failingSince        when the current run of failed inbox writes began; null when the last
 *                            write succeeded
 * @param consecutiveFailures failed inbox writes in a row (zero when the last one succeeded)
 * @param pollFailingSince    when the current run of failed Kafka polls began, or null
 * @param commitFailingSince  when the current run of failed offset commits began, or null
 * @param workerFailingSince  when the current run of failed worker passes (claims, handler
 *                            bookkeeping) began, or null
 */
public record ConsumerHealth(boolean healthy, boolean receiverRunning, boolean workerRunning,
                             String lastInboxWriteError, Instant failingSince, int consecutiveFailures,
                             Instant pollFailingSince, Instant commitFailingSince, Instant workerFailingSince) {
}
