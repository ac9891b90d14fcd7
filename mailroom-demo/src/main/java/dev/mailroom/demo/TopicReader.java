package dev.mailroom.demo;

import dev.mailroom.kafka.CloudEventHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A plain Kafka consumer, as any downstream service would run: prints the first records in full
 * with their headers and notes when each event id arrived.
 */
final class TopicReader implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, Long> arrivalNanos = new ConcurrentHashMap<>();
    private final Thread thread;
    private final int printFirst;
    private volatile boolean running = true;
    private volatile int records;
    private volatile boolean assigned;
    private volatile boolean muted;

    TopicReader(String bootstrapServers, String topic, int printFirst) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "demo-reader");
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.consumer.subscribe(List.of(topic));
        this.printFirst = printFirst;
        this.thread = new Thread(this::run, "demo-topic-reader");
    }

    TopicReader start() {
        thread.start();
        return this;
    }

    private void run() {
        while (running) {
            var polled = consumer.poll(Duration.ofMillis(100));
            assigned = assigned || !consumer.assignment().isEmpty();
            for (ConsumerRecord<byte[], byte[]> record : polled) {
                long now = System.nanoTime();
                records++;
                arrivalNanos.putIfAbsent(CloudEventHeaders.read(record.headers(), CloudEventHeaders.ID), now);
                if (records <= printFirst && !muted) {
                    print(record);
                }
            }
        }
        consumer.close();
    }

    private static void print(ConsumerRecord<byte[], byte[]> record) {
        StringBuilder headers = new StringBuilder();
        for (Header header : record.headers()) {
            headers.append("\n      ").append(header.key()).append(": ")
                    .append(new String(header.value(), StandardCharsets.UTF_8));
        }
        System.out.printf("  received %s partition %d offset %d key=%s%n    value: %s%n    headers:%s%n",
                record.topic(), record.partition(), record.offset(),
                record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
                new String(record.value(), StandardCharsets.UTF_8), headers);
    }

    /** Waits until the consumer group has handed this reader its partitions, so no latency counts a group join. */
    void awaitAssignment(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!assigned && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
        if (!assigned) {
            throw new IllegalStateException("The demo's Kafka consumer got no partitions within " + timeout);
        }
    }

    /** Prints nothing until {@link #forget()}. */
    void mute() {
        muted = true;
    }

    /** Forgets what arrived so far: the next records are printed and counted as if they were the first. */
    void forget() {
        arrivalNanos.clear();
        records = 0;
        muted = false;
    }

    /** When each event id first arrived ({@link System#nanoTime()}). */
    Map<String, Long> arrivals() {
        return arrivalNanos;
    }

    int recordsRead() {
        return records;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5000);
    }
}
