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
        Duration reapInterval,
        Duration shutdownTimeout,
        Duration listenReconnectMax,
        boolean listen,
        boolean orderByKey,
        ClaimMode claimMode) {
}
