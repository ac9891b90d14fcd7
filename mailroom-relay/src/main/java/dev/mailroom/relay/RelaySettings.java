package dev.mailroom.relay;

import java.time.Duration;

/** The relay's settings once validated by {@link Relay.Builder#build()}; immutable. */
record RelaySettings(
        String service,
        String owner,
        String source,
        int batchSize,
        Duration lease,
        Duration sendTimeout,
        Duration fallbackPoll,
        Duration minPoll,
        Duration maxPoll,
        Duration reapInterval,
        Duration shutdownTimeout,
        Duration listenReconnectMax,
        boolean listen,
        boolean orderByKey,
        ClaimMode claimMode) {

    /**
     * How long the database lets one of the relay's transactions sit idle, or one statement run,
     * before it ends the session: the lease plus the send timeout. A row-lock batch is idle while it
     * is sent, while it waits up to the send timeout for its acknowledgements, and while the next
     * batch is claimed and sent; a healthy relay stays well inside that, a hung one loses its locks.
     */
    Duration lockTimeout() {
        return lease.plus(sendTimeout);
    }
}
