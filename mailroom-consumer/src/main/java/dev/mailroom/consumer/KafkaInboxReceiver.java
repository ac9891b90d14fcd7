package dev.mailroom.consumer;

import dev.mailroom.event.OutboxEvent;
import dev.mailroom.loop.FailureStreak;
import dev.mailroom.jdbc.StoreException;
import dev.mailroom.retry.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the group's topics and writes what arrives into the inbox, then commits the offsets: an
 * offset is committed only once its event is safely in the inbox, so a crash at any point loses
 * nothing, and a redelivery after a crash is recognised by its event id. Handling happens later,
 * in the inbox worker, so a slow or failing handler never holds back the partition.
 *
 * <p>Outages never end the thread; only {@link #close()} does. When the inbox write fails (the
 * database is down, say), nothing is committed: every partition of the batch is rewound to the
 * batch's first offset and the batch is read and written again after a backoff (100 ms doubling to
 * 5 s, reset by a success), polling at least that often so the consumer stays in its group. A
 * failed offset commit (broker down, rebalance) is logged and passed over: the events are in the
 * inbox, so their redelivery has no second effect. Each run of failures logs one line when it
 * starts and one when it ends.
 */
final class KafkaInboxReceiver implements AutoCloseable {

    static final RetryPolicy BACKOFF = RetryPolicy.builder().initialDelay(Duration.ofMillis(100))
            .maxDelay(Duration.ofSeconds(5)).build();
    private static final Logger LOG = LoggerFactory.getLogger(KafkaInboxReceiver.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Collection<String> topics;
    private final InboxWriter writer;
    private final Runnable wakeWorker;
    private final ConsumerMetrics metrics;
    private final Thread thread;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final FailureStreak writeFailures;
    private final FailureStreak pollFailures;
    private final FailureStreak commitFailures;
    private volatile boolean running = true;
    /** For tests only: runs after the inbox write and before the offset commit. */
    private volatile Runnable beforeCommit = () -> { };

    KafkaInboxReceiver(KafkaConsumer<byte[], byte[]> consumer, Collection<String> topics, InboxWriter writer,
                       Runnable wakeWorker, ConsumerMetrics metrics, String name, Clock clock) {
        this.consumer = consumer;
        this.topics = topics;
        this.writer = writer;
        this.wakeWorker = wakeWorker;
        this.metrics = metrics;
        this.writeFailures = new FailureStreak(clock);
        this.pollFailures = new FailureStreak(clock);
        this.commitFailures = new FailureStreak(clock);
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
                try {
                    receiveOnce();
                } catch (WakeupException e) {
                    // close() ends the poll or commit in progress; the loop condition ends the thread
                } catch (RuntimeException e) {
                    int failures = pollFailures.failed(e);
                    if (failures == 1) {
                        LOG.warn("Kafka poll for {} failing, retrying with backoff: {}", topics, e.toString(), e);
                    }
                    backOff(failures);
                }
            }
        } finally {
            consumer.close(CLOSE_TIMEOUT);
        }
    }

    private void receiveOnce() {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
        int pollFailed = pollFailures.succeeded();
        if (pollFailed > 0) {
            LOG.warn("Kafka poll for {} recovered after {} failed attempts", topics, pollFailed);
        }
        if (!records.isEmpty() && store(records)) {
            commit(nextOffsets(records));
        }
        metrics.lag(lag());
    }

    /** Writes the batch into the inbox; on failure rewinds to the batch's start, backs off and returns false. */
    private boolean store(ConsumerRecords<byte[], byte[]> records) {
        try {
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
        } catch (RuntimeException e) {
            int failures = writeFailures.failed(e);
            if (failures == 1) {
                LOG.warn("Inbox write for {} failing; nothing committed, the batch is read again with backoff: {}",
                        topics, e.toString(), e instanceof StoreException ? null : e);
            }
            rewind(records);
            backOff(failures);
            return false;
        }
        int failed = writeFailures.succeeded();
        if (failed > 0) {
            LOG.warn("Inbox write for {} recovered after {} failed attempts", topics, failed);
        }
        return true;
    }

    private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            consumer.commitSync(offsets, COMMIT_TIMEOUT);
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            if (commitFailures.failed(e) == 1) {
                LOG.warn("Offset commit for {} failing; the events are in the inbox, a redelivery is recognised: {}",
                        topics, e.toString());
            }
            return;
        }
        int failed = commitFailures.succeeded();
        if (failed > 0) {
            LOG.warn("Offset commit for {} recovered after {} failed attempts", topics, failed);
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> batch = records.records(partition);
            offsets.put(partition, new OffsetAndMetadata(batch.get(batch.size() - 1).offset() + 1));
        }
        return offsets;
    }

    /** Seeks every partition of the batch (still assigned to us) back to the batch's first offset. */
    private void rewind(ConsumerRecords<byte[], byte[]> records) {
        Set<TopicPartition> assigned = consumer.assignment();
        for (TopicPartition partition : records.partitions()) {
            if (assigned.contains(partition)) {
                consumer.seek(partition, records.records(partition).get(0).offset());
            }
        }
    }

    /** Waits the backoff for the given failure count, or until {@link #close()}. */
    private void backOff(int failures) {
        try {
            stop.await(BACKOFF.delayAfter(failures).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
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

    /** The current run of failed inbox writes (none when the last write succeeded). */
    FailureStreak.Snapshot writeFailures() {
        return writeFailures.snapshot();
    }

    /** The current run of failed polls. */
    FailureStreak.Snapshot pollFailures() {
        return pollFailures.snapshot();
    }

    /** The current run of failed offset commits. */
    FailureStreak.Snapshot commitFailures() {
        return commitFailures.snapshot();
    }

    /** Stops polling without committing anything more; ends a backoff wait at once. */
    @Override
    public void close() {
        running = false;
        stop.countDown();
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
