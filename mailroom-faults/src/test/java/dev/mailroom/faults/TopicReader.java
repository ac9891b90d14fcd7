package dev.mailroom.faults;

import dev.mailroom.testkit.kafka.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;

/**
 * Reads every record of the scenario's topic from the beginning, in a thread of its own, into the
 * {@link History}: event id ({@code ce_id}), key, sequence (from the payload), partition, offset and
 * the record's timestamp (set when the relay sent it).
 */
final class TopicReader implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;
    private final History history;
    private final Thread thread;
    private final AtomicLong catchUpRequests = new AtomicLong();
    private final AtomicLong caughtUpAtRequest = new AtomicLong(-1);
    private volatile boolean running = true;

    TopicReader(KafkaBroker broker, String topic, int partitionCount, History history) {
        Map<String, Object> config = broker.clientConfig();
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.partitions = java.util.stream.IntStream.range(0, partitionCount)
                .mapToObj(p -> new TopicPartition(topic, p)).toList();
        this.history = history;
        this.thread = new Thread(this::run, "fault-topic-reader");
    }

    TopicReader start() {
        thread.start();
        return this;
    }

    private void run() {
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        try {
            while (running) {
                long request = catchUpRequests.get();
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    history.delivered(new Delivered(UUID.fromString(header(record, "ce_id")),
                            new String(record.key(), StandardCharsets.UTF_8), Payloads.sequence(record.value()),
                            record.partition(), record.offset(), record.timestamp()));
                }
                if (request > caughtUpAtRequest.get() && caughtUp()) {
                    caughtUpAtRequest.set(request);
                }
            }
        } catch (org.apache.kafka.common.errors.InterruptException | org.apache.kafka.common.errors.WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private boolean caughtUp() {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(10));
        return partitions.stream().allMatch(partition -> consumer.position(partition) >= ends.get(partition));
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Waits until this reader has read up to the end of every partition as it is now: call once nothing writes. */
    void awaitCaughtUp(Duration atMost) {
        long request = catchUpRequests.incrementAndGet();
        Awaitility.await("the topic read to its end").atMost(atMost).until(() -> caughtUpAtRequest.get() >= request);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
