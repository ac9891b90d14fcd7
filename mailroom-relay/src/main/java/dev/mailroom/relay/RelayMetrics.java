package dev.mailroom.relay;

import java.time.Duration;

/** What the relay reports; {@link #NOOP} when no meter registry is given, so metrics cost nothing. */
interface RelayMetrics {

    RelayMetrics NOOP = new RelayMetrics() {
    };

    default void delivered(String topic, String eventType, Duration commitToAck) {
    }

    default void retried(String topic, String eventType) {
    }

    default void dead(String topic, String eventType) {
    }

    default void batch(int size) {
    }

    default void batchAcknowledged(Duration claimToAck) {
    }

    default void backlog(long pending, Duration oldestAge) {
    }
}
