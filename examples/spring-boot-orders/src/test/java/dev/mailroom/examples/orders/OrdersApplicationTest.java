package dev.mailroom.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.kafka.embedded.EmbeddedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The example as a new user runs it: the demo orders are placed, the refused one publishes nothing, the rest are notified. */
@SpringBootTest(properties = "example.demo-orders=3")
class OrdersApplicationTest {

    private static EmbeddedKafka broker;

    @DynamicPropertySource
    static void inProcessKafka(DynamicPropertyRegistry registry) {
        registry.add("example.in-process-kafka", () -> {
            if (broker == null) {
                try {
                    broker = OrdersApplication.startInProcessKafka();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return broker.bootstrapServers();
        });
        registry.add("mailroom.kafka.create-missing-topics-partitions", () -> "1");
        registry.add("mailroom.services.orders.topic", () -> "example.orders.events");
        registry.add("mailroom.services.orders.consumer-group", () -> "example-notifications");
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DemoOrders demo;

    @Test
    void theDemoOrdersAreNotifiedOnceAndTheRefusedOneLeavesNoEvent() {
        assertThat(demo.placed()).hasSize(3);
        assertThat(demo.notified(demo.placed())).as("every placed order notified before the start finished").isEqualTo(3);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM orders WHERE customer = 'mallory'", Long.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM notifications n JOIN orders o USING (order_id)"
                + " WHERE o.customer = 'mallory'", Long.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) - count(DISTINCT order_id) FROM notifications", Long.class))
                .as("no order notified twice").isZero();
    }
}
