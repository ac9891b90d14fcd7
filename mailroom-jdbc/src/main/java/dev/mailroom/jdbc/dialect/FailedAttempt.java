package dev.mailroom.jdbc.dialect;

/**
 * One failed delivery attempt to record.
 *
 * @param attempts    the row's attempts when it was claimed (the fence of a leased row)
 * @param maxAttempts the row's max attempts: the attempt that reaches it makes the row dead
 * @param delayMillis until the next attempt
 * @param error       already cut to the stored length
 */
public record FailedAttempt(long id, int attempts, int maxAttempts, long delayMillis, String error) {
}
