package dev.mailroom.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.event.OutboxEvent;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.publish.OutboxPublisher;
import dev.mailroom.jdbc.schema.SchemaMigrator;
import dev.mailroom.relay.Relay;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.kafka.KafkaBroker;
import dev.mailroom.testkit.kafka.WithKafka;
import dev.mailroom.transport.MissingDestinationException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The relay delivering to a real (in-process) Kafka broker from a real database. */
@WithKafka
abstract class KafkaRelayContract {

    private final String topic = "orders-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    private TestDatabase database;
    private KafkaBroker broker;
    private RouteRegistry routes;

    @BeforeEach
    void migratedOutbox(TestDatabase database, KafkaBroker broker) {
        this.database = database;
        this.broker = broker;
        this.routes = RouteRegistry.builder()
                .service("orders", s -> s.table("orders_outbox").topic(topic).event("order.placed"))
                .build();
        new SchemaMigrator(database.dataSource(), SqlDialect.detect(database.dataSource())).migrate(routes);
    }

    @Test
    void committedEventsArriveOnTheirTopicWithKeyValueAndCloudEventHeadersAndRolledBackOnesNever() throws Exception {
        broker.createTopic(topic, 3);
        OutboxPublisher publisher = OutboxPublisher.builder(routes).build();
        List<UUID> committed = new ArrayList<>();
        UUID rolledBack;
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            for (int i = 0; i < 20; i++) {
                committed.add(publisher.publish(connection, OutboxEvent.builder("order.placed").key("order-" + (i % 4))
                        .json("{\"n\":" + i + "}").tenantId("acme").header("origin", "test").build()));
            }
            connection.commit();
            rolledBack = publisher.publish(connection, "order.placed", "order-x", "{\"n\":-1}");
            connection.rollback();
        }
        try (KafkaTransport transport = KafkaTransport.builder(broker.bootstrapServers()).build();
             Relay relay = Relay.builder(database.dataSource(), routes, transport).service("orders").build().start();
             KafkaConsumer<byte[], byte[]> consumer = TestConsumers.fromEarliest(broker)) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<byte[], byte[]>> records = TestConsumers.poll(consumer, 20, Duration.ofSeconds(30));
            Map<String, ConsumerRecord<byte[], byte[]>> byId = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> record : records) {
                byId.put(CloudEventHeaders.read(record.headers(), "ce_id"), record);
            }
            assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(committed.stream().map(UUID::toString).toList());
            assertThat(byId).doesNotContainKey(rolledBack.toString());
            ConsumerRecord<byte[], byte[]> first = byId.get(committed.get(0).toString());
            assertThat(new String(first.key(), StandardCharsets.UTF_8)).isEqualTo("order-0");
            assertThat(new String(first.value(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":0}");
            assertThat(CloudEventHeaders.read(first.headers(), "ce_specversion")).isEqualTo("1.0");
            assertThat(CloudEventHeaders.read(first.headers(), "ce_type")).isEqualTo("order.placed");
            assertThat(CloudEventHeaders.read(first.headers(), "ce_source")).isEqualTo("/mailroom/orders");
            assertThat(CloudEventHeaders.read(first.headers(), "ce_time")).endsWith("Z");
            assertThat(CloudEventHeaders.read(first.headers(), "content-type")).isEqualTo("application/json");
            assertThat(CloudEventHeaders.read(first.headers(), "ce_tenantid")).isEqualTo("acme");
            assertThat(CloudEventHeaders.read(first.headers(), "ce_correlationid")).isEqualTo(committed.get(0).toString());
            assertThat(CloudEventHeaders.read(first.headers(), "ce_eventversion")).isEqualTo("1");
            assertThat(CloudEventHeaders.read(first.headers(), "origin")).isEqualTo("test");
            assertThat(TestConsumers.poll(consumer, 1, Duration.ofMillis(500))).as("nothing more, nothing rolled back").isEmpty();
        }
    }

    @Test
    void aMissingTopicAtStartIsAClearErrorOrIsCreatedWhenConfigured() throws Exception {
        String missing = "missing-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        RouteRegistry missingRoutes = RouteRegistry.builder()
                .service("orders", s -> s.table("orders_outbox").topic(missing).event("order.placed")).build();
        try (KafkaTransport transport = KafkaTransport.builder(broker.bootstrapServers()).build()) {
            Relay relay = Relay.builder(database.dataSource(), missingRoutes, transport).service("orders").build();
            assertThatThrownBy(relay::start)
                    .isInstanceOf(MissingDestinationException.class)
                    .hasMessageContaining(missing)
                    .hasMessageContaining("createMissingTopics");
        }
        try (KafkaTransport creating = KafkaTransport.builder(broker.bootstrapServers())
                .createMissingTopics(2, (short) 1).build()) {
            creating.verifyDestinations(List.of(missing));
            creating.verifyDestinations(List.of(missing));
        }
    }

    @Test
    void eventsPublishedWhileTheBrokerIsDownRetryWithBackoffAndAllArriveWhenItIsBack() throws Exception {
        broker.createTopic(topic + "-outage", 1);
        RouteRegistry outageRoutes = RouteRegistry.builder()
                .service("orders", s -> s.table("outage_outbox").topic(topic + "-outage").event("order.placed")).build();
        new SchemaMigrator(database.dataSource(), SqlDialect.detect(database.dataSource())).migrate(outageRoutes);
        OutboxPublisher publisher = OutboxPublisher.builder(outageRoutes).build();
        RetryPolicy quickRetries = RetryPolicy.builder().initialDelay(Duration.ofMillis(200))
                .maxDelay(Duration.ofSeconds(1)).build();
        try (KafkaTransport transport = KafkaTransport.builder(broker.bootstrapServers())
                .deliveryTimeout(Duration.ofSeconds(2)).build();
             Relay relay = Relay.builder(database.dataSource(), outageRoutes, transport).service("orders")
                     .retryPolicy(quickRetries).sendTimeout(Duration.ofSeconds(4)).lease(Duration.ofSeconds(10))
                     .build().start()) {
            broker.stop();
            try (Connection connection = database.dataSource().getConnection()) {
                for (int i = 0; i < 10; i++) {
                    publisher.publish(connection, "order.placed", "k" + (i % 3), "{\"n\":" + i + "}");
                }
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
                    .until(() -> count("SELECT count(*) FROM outage_outbox WHERE attempts >= 2") >= 3);
            assertThat(count("SELECT count(*) FROM outage_outbox WHERE status = 'dead'")).isZero();
            assertThat(count("SELECT count(*) FROM outage_outbox WHERE last_error IS NOT NULL")).isPositive();
            assertThat(count("SELECT count(*) FROM outage_outbox WHERE next_attempt_at > updated_at")).isPositive();

            broker.restart();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(90))
                    .until(() -> count("SELECT count(*) FROM outage_outbox WHERE status = 'published'") == 10);
        }
        try (KafkaConsumer<byte[], byte[]> consumer = TestConsumers.fromEarliest(broker)) {
            consumer.subscribe(List.of(topic + "-outage"));
            List<ConsumerRecord<byte[], byte[]>> records = TestConsumers.poll(consumer, 10, Duration.ofSeconds(30));
            assertThat(records.stream().map(r -> CloudEventHeaders.read(r.headers(), "ce_id")).distinct().count())
                    .isEqualTo(10);
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             ResultSet rs = connection.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
