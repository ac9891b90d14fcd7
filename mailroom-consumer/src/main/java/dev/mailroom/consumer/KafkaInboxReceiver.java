package dev.mailroom.consumer;

import dev.mailroom.event.OutboxEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the group's topics and writes what arrives into the inbox, then commits the offsets: an
 * offset is committed only once its event is safely in the inbox, so a crash at any point loses
 * nothing, and a redelivery after a crash is recognised by its event id. Handling happens later,
 * in the inbox worker, so a slow or failing handler never holds back the partition.
 */
final class KafkaInboxReceiver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaInboxReceiver.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Collection<String> topics;
    private final InboxWriter writer;
    private final Runnable wakeWorker;
    private final ConsumerMetrics metrics;
    private final Thread thread;
    private volatile boolean running = true;
    /** For tests only: runs after the inbox write and before the offset commit. */
    private volatile Runnable beforeCommit = () -> { };

    KafkaInboxReceiver(KafkaConsumer<byte[], byte[]> consumer, Collection<String> topics, InboxWriter writer,
                       Runnable wakeWorker, ConsumerMetrics metrics, String name) {
        this.consumer = consumer;
        this.topics = topics;
        this.writer = writer;
        this.wakeWorker = wakeWorker;
        this.metrics = metrics;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void beforeCommit(Runnable hook) {
        this.beforeCommit = hook;
    }

    private void run() {
        try {
            consumer.subscribe(topics);
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (!records.isEmpty()) {
                    List<OutboxEvent> events = new ArrayList<>(records.count());
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        events.add(InboxRecords.toInboxEvent(record));
                    }
                    int fresh = writer.write(events);
                    if (fresh < events.size()) {
                        LOG.info("{} of {} received events were already in the inbox (redelivery)",
                                events.size() - fresh, events.size());
                    }
                    wakeWorker.run();
                    beforeCommit.run();
                    consumer.commitSync();
                }
                metrics.lag(lag());
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            LOG.error("Inbox receiver for {} stopped: {}", topics, e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private long lag() {
        long total = 0;
        for (TopicPartition partition : consumer.assignment()) {
            OptionalLong lag = consumer.currentLag(partition);
            total += lag.orElse(0);
        }
        return total;
    }

    boolean isRunning() {
        return thread.isAlive();
    }

    /** Stops polling without committing anything more. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
