package dev.mailroom.consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code mailroom.inbox.processed} (counter; tags group, event.type, outcome) and
 * {@code mailroom.consumer.lag} (gauge: records between the group's position and the end of its
 * partitions, refreshed after each poll).
 */
final class MicrometerConsumerMetrics implements ConsumerMetrics {

    private final MeterRegistry registry;
    private final String group;
    private final AtomicLong lag = new AtomicLong();

    MicrometerConsumerMetrics(MeterRegistry registry, String group) {
        this.registry = registry;
        this.group = group;
        Gauge.builder("mailroom.consumer.lag", lag, AtomicLong::get).tag("group", group)
                .description("Records not yet read by the consumer group").register(registry);
    }

    @Override
    public void processed(String eventType, String outcome) {
        Counter.builder("mailroom.inbox.processed").tags("group", group, "event.type", eventType, "outcome", outcome)
                .register(registry).increment();
    }

    @Override
    public void lag(long records) {
        lag.set(records);
    }
}
