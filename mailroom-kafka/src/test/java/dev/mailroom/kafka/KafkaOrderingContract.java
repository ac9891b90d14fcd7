package dev.mailroom.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import dev.mailroom.transport.DeliveryException;
import dev.mailroom.transport.Envelope;
import dev.mailroom.transport.Transport;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/** Two relays, one Kafka topic, sends failing at random: every key still arrives in commit order. */
@WithKafka
abstract class KafkaOrderingContract {

    private static final int EVENTS = 10_000;
    private static final int KEYS = 100;

    @Test
    void twoRelaysDeliverTenThousandEventsOverAHundredKeysInOrderThroughInjectedFailures(TestDatabase database,
                                                                                     KafkaBroker broker) throws Exception {
        String topic = "ordering-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        broker.createTopic(topic, 4);
        RouteRegistry routes = RouteRegistry.builder()
                .service("orders", s -> s.table("orders_outbox").topic(topic).event("order.placed")).build();
        new SchemaMigrator(database.dataSource(), SqlDialect.detect(database.dataSource())).migrate(routes);
        OutboxPublisher publisher = OutboxPublisher.builder(routes).build();
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            List<OutboxEvent> batch = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                batch.add(OutboxEvent.builder("order.placed").key("key-" + (i % KEYS)).json("{\"seq\":" + i + "}").build());
                if (batch.size() == 1000) {
                    publisher.publishAll(connection, batch);
                    connection.commit();
                    batch.clear();
                }
            }
        }
        RetryPolicy fast = RetryPolicy.builder().initialDelay(Duration.ofMillis(5)).maxDelay(Duration.ofMillis(50)).build();
        Set<UUID> failedOnce = ConcurrentHashMap.newKeySet();
        try (KafkaTransport kafka = KafkaTransport.builder(broker.bootstrapServers()).build();
             Transport flaky = new FailingFirstSends(kafka, failedOnce);
             Relay first = Relay.builder(database.dataSource(), routes, flaky).service("orders").owner("relay-a")
                     .retryPolicy(fast).batchSize(200).build().start();
             Relay second = Relay.builder(database.dataSource(), routes, flaky).service("orders").owner("relay-b")
                     .retryPolicy(fast).batchSize(200).build().start()) {
            await().atMost(Duration.ofMinutes(3)).until(() -> published(database) == EVENTS);
        }
        assertThat(failedOnce).as("failures were injected").isNotEmpty();

        Map<String, List<Integer>> sequencesByKey = new HashMap<>();
        Set<String> seen = new HashSet<>();
        int duplicates = 0;
        for (ConsumerRecord<byte[], byte[]> record : readAll(broker, topic, EVENTS)) {
            if (!seen.add(CloudEventHeaders.read(record.headers(), CloudEventHeaders.ID))) {
                duplicates++;
                continue;
            }
            String json = new String(record.value(), StandardCharsets.UTF_8);
            int sequence = Integer.parseInt(json.substring(json.indexOf(':') + 1, json.length() - 1));
            sequencesByKey.computeIfAbsent(new String(record.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
                    .add(sequence);
        }
        assertThat(seen).hasSize(EVENTS);
        assertThat(duplicates).as("no resend happened, so no duplicate").isZero();
        assertThat(sequencesByKey).hasSize(KEYS);
        sequencesByKey.forEach((key, sequences) -> assertThat(sequences).as(key).isSorted());
    }

    private static long published(TestDatabase database) throws Exception {
        try (Connection connection = database.dataSource().getConnection();
             ResultSet rs = connection.createStatement()
                     .executeQuery("SELECT count(*) FROM orders_outbox WHERE status = 'published'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(KafkaBroker broker, String topic, int expected) {
        Map<String, Object> config = broker.clientConfig();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "ordering-check");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }

    /** Fails about 3% of events on their first send, before anything reaches Kafka. */
    private record FailingFirstSends(Transport delegate, Set<UUID> failedOnce) implements Transport {

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public void verifyDestinations(Collection<String> destinations) {
            delegate.verifyDestinations(destinations);
        }

        @Override
        public CompletableFuture<Void> send(Envelope envelope) {
            if (ThreadLocalRandom.current().nextInt(100) < 3 && failedOnce.add(envelope.eventId())) {
                return CompletableFuture.failedFuture(new DeliveryException("injected failure"));
            }
            return delegate.send(envelope);
        }

        @Override
        public void close() {
        }
    }
}
