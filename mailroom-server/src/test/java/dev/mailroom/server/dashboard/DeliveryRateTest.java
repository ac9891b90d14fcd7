package dev.mailroom.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeliveryRateTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SteppingClock clock = new SteppingClock();
    private final DeliveryRate rate = new DeliveryRate(registry, clock);

    private void deliver(String service, String eventType, int events) {
        registry.counter(DeliveryRate.COUNTER, "service", service, "topic", service + ".events", "event_type", eventType)
                .increment(events);
    }

    @Test
    void aRateIsTheDeliveredDifferenceOverTheTimeBetweenTwoReadingsSummedOverTopicsAndTypes() {
        deliver("orders", "order.placed", 10);
        rate.sample();
        clock.advance(Duration.ofSeconds(5));
        deliver("orders", "order.placed", 40);
        deliver("orders", "order.paid", 10);
        deliver("billing", "invoice.sent", 3);
        rate.sample();
        clock.advance(Duration.ofSeconds(10));
        rate.sample();
        assertThat(rate.rates("orders")).extracting(DeliveryRate.Rate::perSecond).containsExactly(10.0, 0.0);
        assertThat(rate.rates("billing")).as("first seen at the second reading: zero before it")
                .extracting(DeliveryRate.Rate::perSecond).containsExactly(0.6, 0.0);
        assertThat(rate.rates("payments")).isEmpty();
    }

    @Test
    void onlyTheLastFiveMinutesAreKept() {
        for (int i = 0; i < DeliveryRate.SAMPLES + 10; i++) {
            deliver("orders", "order.placed", i);
            rate.sample();
            clock.advance(DeliveryRate.INTERVAL);
        }
        assertThat(rate.rates("orders")).hasSize(DeliveryRate.SAMPLES - 1);
        assertThat(rate.rates("orders").get(rate.rates("orders").size() - 1).perSecond())
                .isEqualTo((DeliveryRate.SAMPLES + 9) / 5.0);
    }

    @Test
    void theLoopSamplesTheRegistryUntilClosed() {
        DeliveryRate running = DeliveryRate.start(registry);
        deliver("orders", "order.placed", 1);
        running.close();
        assertThat(running.rates("nothing")).isEmpty();
    }
}
