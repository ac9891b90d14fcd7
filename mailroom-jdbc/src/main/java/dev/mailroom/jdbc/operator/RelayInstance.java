package dev.mailroom.jdbc.operator;

import java.time.Duration;
import java.time.Instant;

/**
 * A relay instance as its heartbeats tell: which service it relays, where it runs, how it claims,
 * when it started, when it was last seen (and how long ago, by the database's clock), and when it
 * stopped, if it stopped gracefully.
 */
public record RelayInstance(String instanceId, String service, String host, String claimMode, Instant startedAt,
                            Instant lastSeenAt, Duration silentFor, Instant stoppedAt) {

    /** Whether it runs: not stopped, and heard from within {@code expiry}. */
    public boolean alive(Duration expiry) {
        return stoppedAt == null && silentFor.compareTo(expiry) <= 0;
    }
}
