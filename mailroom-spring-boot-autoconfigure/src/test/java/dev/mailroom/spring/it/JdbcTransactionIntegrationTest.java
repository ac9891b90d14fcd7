package dev.mailroom.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mailroom.spring.autoconfigure.MailroomConsumers;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.IllegalTransactionStateException;

/**
 * A Spring service on plain JDBC ({@code DataSourceTransactionManager}) against the real PostgreSQL
 * and the in-process Kafka broker: {@code @Transactional} methods writing with {@code JdbcTemplate}
 * or jOOQ publish in their own transaction, the relay delivers what committed, and a handler bean
 * consumes through the inbox in the same transaction as its own writes.
 */
@ExtendWith(SpringTestEnvironment.class)
@SpringBootTest(classes = JdbcOrdersApplication.class, properties = {
        "spring.sql.init.mode=always",
        "spring.sql.init.schema-locations=classpath:orders-schema.sql",
        "mailroom.services.orders.table=orders_outbox",
        "mailroom.services.orders.topic=it.jdbc.orders",
        "mailroom.services.orders.consumer-group=it-jdbc-notifications",
        "mailroom.services.orders.events=order.placed",
        "mailroom.schema.initialize=always",
        "mailroom.kafka.create-missing-topics-partitions=1",
        "mailroom.consumer.retry.initial-delay=50ms"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class JdbcTransactionIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @DynamicPropertySource
    static void environment(DynamicPropertyRegistry registry) {
        SpringTestEnvironment.register(registry);
    }

    @Autowired
    JdbcOrdersApplication.Orders orders;
    @Autowired
    JdbcOrdersApplication.Notifications notifications;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    MeterRegistry meters;
    @Autowired
    MailroomConsumers consumers;

    @Test
    void aCommittedOrderIsPublishedInItsTransactionAndItsHandlerRunsOnce() {
        orders.place("o-1", new BigDecimal("12.50"), false);
        awaitNotification("o-1");
        assertThat(count("SELECT count(*) FROM orders_outbox WHERE event_key = 'o-1'")).isEqualTo(1);
        assertThat(notifications.calls.get("o-1")).hasValue(1);
        assertThat(meters.get("mailroom.relay.delivered").counter().count()).isPositive();
        assertThat(meters.get("mailroom.inbox.processed").tag("outcome", "handled").counter().count()).isPositive();
    }

    @Test
    void aMethodThatThrowsPublishesNothing() {
        assertThatThrownBy(() -> orders.place("o-2", BigDecimal.TEN, true)).hasMessageContaining("payment declined");
        orders.place("o-3", BigDecimal.TEN, false);
        awaitNotification("o-3");
        assertThat(count("SELECT count(*) FROM orders WHERE order_id = 'o-2'")).isZero();
        assertThat(count("SELECT count(*) FROM orders_outbox WHERE event_key = 'o-2'")).isZero();
        assertThat(count("SELECT count(*) FROM notifications WHERE order_id = 'o-2'")).isZero();
        assertThat(topicKeys()).contains("o-3").doesNotContain("o-2");
    }

    @Test
    void jooqWritesAndThePublishShareTheTransaction() {
        assertThatThrownBy(() -> orders.placeWithJooq("j-2", BigDecimal.ONE, true)).hasMessageContaining("declined");
        orders.placeWithJooq("j-1", BigDecimal.ONE, false);
        awaitNotification("j-1");
        assertThat(count("SELECT count(*) FROM orders WHERE order_id IN ('j-1', 'j-2')")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM orders_outbox WHERE event_key = 'j-2'")).isZero();
        assertThat(topicKeys()).contains("j-1").doesNotContain("j-2");
    }

    @Test
    void aPublishWithNoTransactionIsRefusedAndWritesNothing() {
        assertThatThrownBy(() -> orders.placeWithoutTransaction("n-1"))
                .isInstanceOf(IllegalTransactionStateException.class)
                .hasMessageContaining("No Spring transaction is active");
        assertThat(count("SELECT count(*) FROM orders_outbox WHERE event_key = 'n-1'")).isZero();
    }

    @Test
    void theHandlersOwnWritesRollBackWithTheInboxRecordWhenItFails() {
        notifications.failuresLeft.put("f-1", new AtomicInteger(1));
        orders.place("f-1", BigDecimal.ONE, false);
        awaitNotification("f-1");
        assertThat(notifications.calls.get("f-1")).as("failed once, then handled").hasValue(2);
        assertThat(count("SELECT count(*) FROM notifications WHERE order_id = 'f-1'"))
                .as("the failed attempt's insert rolled back with its inbox record").isEqualTo(1);
        String inbox = consumers.runners().get("it-jdbc-notifications").inboxTable().qualified();
        assertThat(count("SELECT count(*) FROM " + inbox + " WHERE event_key = 'f-1' AND status = 'consumed'"
                + " AND attempts = 1")).isEqualTo(1);
    }

    @Test
    void aRedeliveredEventHasNoSecondEffect() throws Exception {
        orders.place("r-1", BigDecimal.ONE, false);
        awaitNotification("r-1");
        ConsumerRecord<byte[], byte[]> delivered = topicRecords().stream()
                .filter(record -> "r-1".equals(new String(record.key()))).findFirst().orElseThrow();
        Map<String, Object> producerConfig = new HashMap<>(SpringTestEnvironment.broker().clientConfig());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(delivered.topic(), null, delivered.key(), delivered.value(),
                    delivered.headers())).get();
        }
        TopicPartition partition = new TopicPartition("it.jdbc.orders", 0);
        long end = endOffset(partition);
        await().atMost(WAIT).until(() -> committedOffset(partition) >= end);
        assertThat(count("SELECT count(*) FROM notifications WHERE order_id = 'r-1'")).isEqualTo(1);
        assertThat(notifications.calls.get("r-1")).hasValue(1);
    }

    private void awaitNotification(String orderId) {
        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM notifications WHERE order_id = '" + orderId + "'") == 1);
    }

    private long count(String sql) {
        Long count = jdbc.queryForObject(sql, Long.class);
        return count == null ? 0 : count;
    }

    private List<String> topicKeys() {
        List<String> keys = new ArrayList<>();
        topicRecords().forEach(record -> keys.add(new String(record.key())));
        return keys;
    }

    private List<ConsumerRecord<byte[], byte[]>> topicRecords() {
        TopicPartition partition = new TopicPartition("it.jdbc.orders", 0);
        try (KafkaConsumer<byte[], byte[]> reader = reader()) {
            reader.assign(List.of(partition));
            reader.seekToBeginning(List.of(partition));
            long end = reader.endOffsets(List.of(partition)).get(partition);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            while (reader.position(partition) < end) {
                reader.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    private long endOffset(TopicPartition partition) {
        try (KafkaConsumer<byte[], byte[]> reader = reader()) {
            return reader.endOffsets(List.of(partition)).get(partition);
        }
    }

    private long committedOffset(TopicPartition partition) {
        Map<String, Object> config = new HashMap<>(SpringTestEnvironment.broker().clientConfig());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "it-jdbc-notifications");
        try (KafkaConsumer<byte[], byte[]> group = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            OffsetAndMetadata committed = group.committed(java.util.Set.of(partition)).get(partition);
            return committed == null ? -1 : committed.offset();
        }
    }

    private static KafkaConsumer<byte[], byte[]> reader() {
        Map<String, Object> config = new HashMap<>(SpringTestEnvironment.broker().clientConfig());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
