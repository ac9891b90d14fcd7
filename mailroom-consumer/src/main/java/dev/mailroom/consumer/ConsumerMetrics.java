package dev.mailroom.consumer;

/** What the consumer reports; {@link #NOOP} when no meter registry is given. */
interface ConsumerMetrics {

    ConsumerMetrics NOOP = new ConsumerMetrics() {
    };

    /** One handler outcome: handled, retried, dead, skipped or duplicate. */
    default void processed(String eventType, String outcome) {
    }

    default void lag(long records) {
    }
}
