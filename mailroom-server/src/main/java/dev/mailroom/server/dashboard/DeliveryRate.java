package dev.mailroom.server.dashboard;

import dev.mailroom.loop.BackgroundLoop;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Delivered events per second over the last minutes, per service, for the overview's chart. Every
 * {@link #INTERVAL} it reads the relays' {@code mailroom.relay.delivered} counters in the server's
 * meter registry (summed over topic and event type per {@code service} tag) into a ring of the
 * last {@link #SAMPLES} totals; a rate is the difference of two neighbouring totals over the time
 * between them. It sees the relays of this server process only, and starts empty at every start.
 */
public final class DeliveryRate implements AutoCloseable {

    public static final Duration INTERVAL = Duration.ofSeconds(5);
    /** Totals kept: one more than the rates shown, 5 minutes at the default interval. */
    public static final int SAMPLES = 61;
    static final String COUNTER = "mailroom.relay.delivered";

    /** One reading of a service's counters. */
    private record Sample(Instant at, double total) {
    }

    /** The rate between two readings: from {@code at - seconds} to {@code at}. */
    public record Rate(Instant at, double perSecond) {
    }

    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, Deque<Sample>> samples = new HashMap<>();
    private Instant lastSampleAt;
    private BackgroundLoop loop;

    DeliveryRate(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** Samples the registry now and then every {@link #INTERVAL} on a loop of its own, until closed. */
    public static DeliveryRate start(MeterRegistry registry) {
        DeliveryRate rate = new DeliveryRate(registry, Clock.systemUTC());
        rate.loop = new BackgroundLoop("mailroom-dashboard-rate", INTERVAL, INTERVAL, () -> {
            rate.sample();
            return false;
        }).start();
        return rate;
    }

    /** Reads every service's delivered total now. */
    synchronized void sample() {
        Instant now = clock.instant();
        Map<String, Double> totals = new HashMap<>();
        for (Counter counter : registry.find(COUNTER).counters()) {
            String service = counter.getId().getTag("service");
            if (service != null) {
                totals.merge(service, counter.count(), Double::sum);
            }
        }
        totals.forEach((service, total) -> {
            Deque<Sample> ring = samples.computeIfAbsent(service, name -> firstRing());
            if (ring.size() == SAMPLES) {
                ring.removeFirst();
            }
            ring.addLast(new Sample(now, total));
        });
        lastSampleAt = now;
    }

    /**
     * A service's counter is created by its first delivery, so a service first seen now had
     * delivered nothing at the previous reading: its ring starts with that zero.
     */
    private Deque<Sample> firstRing() {
        Deque<Sample> ring = new ArrayDeque<>(SAMPLES);
        if (lastSampleAt != null) {
            ring.addLast(new Sample(lastSampleAt, 0));
        }
        return ring;
    }

    /** The service's rates, oldest first (empty until two readings exist or when it has no relay here). */
    public synchronized List<Rate> rates(String service) {
        List<Rate> rates = new ArrayList<>();
        Sample previous = null;
        for (Sample sample : samples.getOrDefault(service, new ArrayDeque<>())) {
            if (previous != null) {
                double seconds = Duration.between(previous.at(), sample.at()).toNanos() / 1e9;
                double delivered = Math.max(0, sample.total() - previous.total());
                rates.add(new Rate(sample.at(), seconds <= 0 ? 0 : delivered / seconds));
            }
            previous = sample;
        }
        return rates;
    }

    @Override
    public void close() {
        if (loop != null) {
            loop.close();
        }
    }
}
