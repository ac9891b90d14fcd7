package dev.mailroom.relay;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The relay's meters, named as in CONVENTIONS.md: {@code mailroom.relay.delivered|retried|dead}
 * (counters), {@code mailroom.relay.ack.latency} (timer, insert to acknowledgement),
 * {@code mailroom.relay.claim.latency} (timer, claim to the batch's last acknowledgement),
 * {@code mailroom.relay.batch.size} (summary), {@code mailroom.outbox.pending} and
 * {@code mailroom.outbox.oldest.age} (gauges, seconds). Tags: service, topic, event type.
 */
final class MicrometerRelayMetrics implements RelayMetrics {

    private final MeterRegistry registry;
    private final String service;
    private final DistributionSummary batchSize;
    private final Timer claimToAck;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong oldestAgeMillis = new AtomicLong();

    MicrometerRelayMetrics(MeterRegistry registry, String service) {
        this.registry = registry;
        this.service = service;
        this.batchSize = DistributionSummary.builder("mailroom.relay.batch.size").tag("service", service)
                .description("Rows per claimed batch").register(registry);
        this.claimToAck = Timer.builder("mailroom.relay.claim.latency").tag("service", service)
                .description("From claiming a batch to the last acknowledgement of its sends")
                .publishPercentileHistogram().register(registry);
        Gauge.builder("mailroom.outbox.pending", pending, AtomicLong::get).tag("service", service)
                .description("Undelivered rows (pending or sending)").register(registry);
        Gauge.builder("mailroom.outbox.oldest.age", oldestAgeMillis, value -> value.get() / 1000.0)
                .tag("service", service).baseUnit("seconds")
                .description("Age of the oldest undelivered row").register(registry);
    }

    @Override
    public void delivered(String topic, String eventType, Duration commitToAck) {
        counter("mailroom.relay.delivered", topic, eventType).increment();
        Timer.builder("mailroom.relay.ack.latency").tags("service", service, "topic", topic)
                .description("From the outbox insert to the transport's acknowledgement")
                .publishPercentileHistogram()
                .publishPercentiles(0.5, 0.99)
                .register(registry).record(commitToAck.isNegative() ? Duration.ZERO : commitToAck);
    }

    @Override
    public void retried(String topic, String eventType) {
        counter("mailroom.relay.retried", topic, eventType).increment();
    }

    @Override
    public void dead(String topic, String eventType) {
        counter("mailroom.relay.dead", topic, eventType).increment();
    }

    @Override
    public void batch(int size) {
        batchSize.record(size);
    }

    @Override
    public void batchAcknowledged(Duration latency) {
        claimToAck.record(latency);
    }

    @Override
    public void backlog(long undelivered, Duration oldestAge) {
        pending.set(undelivered);
        oldestAgeMillis.set(oldestAge.toMillis());
    }

    private Counter counter(String name, String topic, String eventType) {
        return Counter.builder(name).tags("service", service, "topic", topic, "event.type", eventType)
                .register(registry);
    }
}
