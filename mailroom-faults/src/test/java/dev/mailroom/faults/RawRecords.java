package dev.mailroom.faults;

import dev.mailroom.testkit.kafka.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** How the broken relays of the mutation tests send an outbox row: the fields the {@link TopicReader} reads. */
final class RawRecords {

    private RawRecords() {
    }

    /** A producer waiting for every in-sync replica, like Mailroom's. */
    static KafkaProducer<byte[], byte[]> producer(KafkaBroker broker) {
        Map<String, Object> config = broker.clientConfig();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** The record of a row: its key, its payload and its event id in the {@code ce_id} header. */
    static ProducerRecord<byte[], byte[]> of(String topic, String eventId, String key, byte[] payload) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), payload);
        record.headers().add("ce_id", eventId.getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
