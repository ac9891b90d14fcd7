package dev.mailroom.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

@WithKafka
class KafkaBrokerTest {

    @Test
    void aRecordWithKeyValueAndHeaderRoundTrips(KafkaBroker broker) throws Exception {
        broker.createTopic("round-trip", 2);
        Map<String, Object> producerConfig = broker.clientConfig();
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer())) {
            ProducerRecord<String, String> record = new ProducerRecord<>("round-trip", "key-1", "value-1");
            record.headers().add("ce_id", "42".getBytes(StandardCharsets.UTF_8));
            producer.send(record).get(30, TimeUnit.SECONDS);
        }
        List<ConsumerRecord<String, String>> received = consume(broker, "round-trip", 1);
        assertThat(received).hasSize(1);
        assertThat(received.get(0).key()).isEqualTo("key-1");
        assertThat(received.get(0).value()).isEqualTo("value-1");
        assertThat(new String(received.get(0).headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8))
                .isEqualTo("42");
    }

    @Test
    void aStoppedBrokerComesBackOnTheSamePortWithItsDataAndCloseRemovesEverything() throws Exception {
        KafkaBroker own = KafkaBroker.start();
        String address = own.bootstrapServers();
        own.createTopic("survives", 1);
        own.stop();
        assertThat(portOpen(address)).isFalse();
        own.restart();
        assertThat(own.bootstrapServers()).isEqualTo(address);
        assertThat(own.admin().listTopics().names().get(30, TimeUnit.SECONDS)).contains("survives");
        own.close();
        assertThat(portOpen(address)).isFalse();
        assertThat(own.logDir()).doesNotExist();
    }

    private static boolean portOpen(String address) {
        String[] hostPort = address.split(":");
        try (Socket socket = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static List<ConsumerRecord<String, String>> consume(KafkaBroker broker, String topic, int expected) {
        Map<String, Object> config = broker.clientConfig();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "round-trip-test");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
