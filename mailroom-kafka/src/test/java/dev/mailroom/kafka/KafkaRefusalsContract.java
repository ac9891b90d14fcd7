package dev.mailroom.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mailroom.event.EventTooLargeException;
import dev.mailroom.event.OutboxEvent;
import dev.mailroom.event.PublishLimits;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.publish.OutboxPublisher;
import dev.mailroom.jdbc.schema.SchemaMigrator;
import dev.mailroom.relay.Relay;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.kafka.KafkaBroker;
import dev.mailroom.testkit.kafka.WithKafka;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What Kafka refuses for good is dead at once; what the relay sends carries Mailroom's own ids only. */
@WithKafka
abstract class KafkaRefusalsContract {

    private TestDatabase database;
    private KafkaBroker broker;
    private KafkaTestSql sql;

    @BeforeEach
    void databaseAndBroker(TestDatabase database, KafkaBroker broker) {
        this.database = database;
        this.broker = broker;
        this.sql = KafkaTestSql.of(database);
    }

    @Test
    void aRecordTooLargeForTheProducerIsDeadAtOnceAndForgedIdHeadersFromSqlAreNotSent() throws Exception {
        String topic = "refusals-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        broker.createTopic(topic, 1);
        RouteRegistry routes = routes(topic, "big_outbox");
        execute("INSERT INTO big_outbox (event_type, event_key, payload)"
                + " VALUES ('order.placed', 'k', " + sql.utf8Bytes("repeat('x', 1200000)") + ")");
        execute("INSERT INTO big_outbox (event_type, event_key, payload, headers) VALUES ('order.placed', 'k',"
                + " " + sql.utf8Bytes("'{\"small\":1}'") + ", '{\"ce_id\": \"forged\", \"origin\": \"go\"}')");
        try (KafkaTransport transport = KafkaTransport.builder(broker.bootstrapServers()).build();
             Relay relay = Relay.builder(database.dataSource(), routes, transport).service("orders").build().start();
             KafkaConsumer<byte[], byte[]> consumer = TestConsumers.fromEarliest(broker)) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<byte[], byte[]>> records = TestConsumers.poll(consumer, 1, Duration.ofSeconds(30));
            assertThat(records).hasSize(1);
            assertThat(TestConsumers.poll(consumer, 1, Duration.ofMillis(500))).as("the dead one never").isEmpty();
            ConsumerRecord<byte[], byte[]> record = records.get(0);
            assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("{\"small\":1}");
            List<String> ids = StreamSupport.stream(record.headers().headers("ce_id").spliterator(), false)
                    .map(h -> new String(h.value(), StandardCharsets.UTF_8)).toList();
            assertThat(ids).containsExactly(queryString("SELECT " + sql.eventIdText() + " FROM big_outbox WHERE event_key = 'k'"
                    + " AND length(payload) < 100"));
            assertThat(CloudEventHeaders.read(record.headers(), "origin")).isEqualTo("go");
        }
        assertThat(count("SELECT count(*) FROM big_outbox WHERE status = 'dead' AND attempts = 0"
                + " AND last_error LIKE '%RecordTooLargeException%'")).isEqualTo(1);
    }

    @Test
    void aTopicsSmallerLimitIsWhatTheTransportReportsAndWhatPublishersCanBeHeldTo() throws Exception {
        String topic = "small-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        try (var admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                    .configs(Map.of("max.message.bytes", "4096")))).all().get();
        }
        RouteRegistry routes = routes(topic, "small_outbox");
        OutboxEvent tooBig = OutboxEvent.builder("order.placed").key("k")
                .json("\"" + "y".repeat(6000) + "\"").build();
        OutboxEvent fits = OutboxEvent.builder("order.placed").key("k").json("{\"fits\":true}").build();
        try (KafkaTransport transport = KafkaTransport.builder(broker.bootstrapServers()).build()) {
            transport.verifyDestinations(List.of(topic));
            assertThat(transport.maxRecordBytes()).isEqualTo(4096);
            OutboxPublisher held = OutboxPublisher.builder(routes)
                    .limits(PublishLimits.defaults().withMaxRecordBytes(transport.maxRecordBytes())).build();
            try (Connection connection = database.dataSource().getConnection()) {
                assertThatThrownBy(() -> held.publish(connection, tooBig)).isInstanceOf(EventTooLargeException.class)
                        .hasMessageContaining("accepts 4096");
                // a publisher left at the defaults accepts it: the broker refuses it, and the relay dead-letters it at once
                OutboxPublisher.builder(routes).build().publishAll(connection, List.of(tooBig, fits));
            }
            try (Relay relay = Relay.builder(database.dataSource(), routes, transport).service("orders").build().start()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> count(
                        "SELECT count(*) FROM small_outbox WHERE status = 'published'") == 1);
            }
        }
        assertThat(count("SELECT count(*) FROM small_outbox WHERE status = 'dead' AND attempts = 0 AND event_id = '"
                + tooBig.eventId() + "' AND last_error LIKE '%RecordTooLargeException%'")).isEqualTo(1);
    }

    private RouteRegistry routes(String topic, String table) {
        RouteRegistry routes = RouteRegistry.builder()
                .service("orders", s -> s.table(table).topic(topic).event("order.placed")).build();
        new SchemaMigrator(database.dataSource(), sql.dialect()).migrate(routes);
        return routes;
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection()) {
            connection.createStatement().execute(sql);
        }
    }

    private long count(String sql) throws SQLException {
        return Long.parseLong(queryString(sql));
    }

    private String queryString(String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             ResultSet rs = connection.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
