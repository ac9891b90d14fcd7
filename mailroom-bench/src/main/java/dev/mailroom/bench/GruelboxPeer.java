package dev.mailroom.bench;

import com.gruelbox.transactionoutbox.Dialect;
import com.gruelbox.transactionoutbox.Instantiator;
import com.gruelbox.transactionoutbox.Persistor;
import com.gruelbox.transactionoutbox.Submitter;
import com.gruelbox.transactionoutbox.ThreadLocalContextTransactionManager;
import com.gruelbox.transactionoutbox.TransactionManager;
import com.gruelbox.transactionoutbox.TransactionOutbox;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * gruelbox transaction-outbox on the same workload: the producer schedules a call
 * ({@code KafkaSend.send}) inside its transaction; after commit the library runs it on an executor
 * at once, and {@code flush()} (polling) picks up what is due, which is how a backlog drains.
 * Settings follow its documentation for throughput: a fixed executor for the blocking sends, a
 * large flush batch, PostgreSQL dialect with SKIP LOCKED.
 */
final class GruelboxPeer implements AutoCloseable {

    static final String VERSION = "4.2.268";
    static final int FLUSH_BATCH = 1000;
    static final int EXECUTOR_THREADS = 16;

    /** The scheduled call: one Kafka send, waited for, as gruelbox needs to know it succeeded. */
    public static class KafkaSend {

        private final KafkaProducer<byte[], byte[]> producer;
        private final Map<String, Long> ackNanos = new ConcurrentHashMap<>();
        private final LongAdder acknowledged = new LongAdder();
        private volatile boolean keepTimes;

        KafkaSend(KafkaProducer<byte[], byte[]> producer) {
            this.producer = producer;
        }

        public void send(String topic, String key, String payload, String id) {
            try {
                producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                        payload.getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while sending", e);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("Kafka send failed: " + e, e);
            }
            acknowledged.increment();
            if (keepTimes) {
                ackNanos.putIfAbsent(id, System.nanoTime());
            }
        }
    }

    private final BenchEnvironment env;
    private final ThreadLocalContextTransactionManager transactions;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaSend sender;
    private final ExecutorService executor = Executors.newFixedThreadPool(EXECUTOR_THREADS);

    private final int lingerMs;

    /** {@code lingerMs}: the relay's, so both send with the same producer settings. */
    GruelboxPeer(BenchEnvironment env, int lingerMs) {
        this.env = env;
        this.lingerMs = lingerMs;
        this.transactions = TransactionManager.fromDataSource(env.dataSource);
        Map<String, Object> config = env.broker.clientConfig();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        this.producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        this.sender = new KafkaSend(producer);
    }

    private TransactionOutbox outbox(Submitter submitter, Duration attemptFrequency) {
        return TransactionOutbox.builder()
                .transactionManager(transactions)
                .persistor(Persistor.forDialect(Dialect.POSTGRESQL_9))
                .instantiator(Instantiator.using(type -> sender))
                .submitter(submitter)
                .attemptFrequency(attemptFrequency)
                .flushBatchSize(FLUSH_BATCH)
                .blockAfterAttempts(20)
                .build();
    }

    private void schedule(TransactionOutbox outbox, long sequence, String id) {
        outbox.schedule(KafkaSend.class).send(BenchEnvironment.TOPIC, "key-" + (sequence % 1000),
                new String(BenchEnvironment.payload(sequence), StandardCharsets.UTF_8), id);
    }

    private void emptyTable() throws Exception {
        env.execute("DELETE FROM txno_outbox");
        env.execute("VACUUM ANALYZE txno_outbox");
    }

    /** Backlog written with the submitter off (due one second later), then drained by {@code flush()}; events/s until the last acknowledgement. */
    Map<String, Object> drain(int backlog) throws Exception {
        TransactionOutbox filler = outbox((entry, processor) -> { }, Duration.ofSeconds(1));
        filler.initialize();
        emptyTable();
        for (int from = 0; from < backlog; from += 100) {
            int start = from;
            transactions.inTransaction(() -> {
                for (int i = start; i < Math.min(backlog, start + 100); i++) {
                    schedule(filler, i, "d" + i);
                }
            });
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1100));
        TransactionOutbox drainer = outbox(Submitter.withExecutor(executor), Duration.ofSeconds(60));
        long before = sender.acknowledged.sum();
        long begin = System.nanoTime();
        long deadline = begin + TimeUnit.MINUTES.toNanos(20);
        while (sender.acknowledged.sum() - before < backlog && System.nanoTime() < deadline) {
            if (!drainer.flush()) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("library", "gruelbox transactionoutbox-core " + VERSION);
        result.put("backlog", backlog);
        result.put("seconds", Ceilings.round(seconds));
        result.put("events_per_second", Math.round(backlog / seconds));
        result.put("settings", "flushBatchSize=" + FLUSH_BATCH + ", executor threads=" + EXECUTOR_THREADS
                + ", dialect POSTGRESQL_9, producer acks=all idempotent linger " + lingerMs
                + " ms, send waited per event");
        return result;
    }

    /** Single-event transactions at a fixed rate; the call runs right after commit. Commit to Kafka acknowledgement. */
    Map<String, Object> latency(int ratePerSecond, int warmupSeconds, int seconds, int producerThreads) throws Exception {
        TransactionOutbox outbox = outbox(Submitter.withExecutor(executor), Duration.ofSeconds(60));
        outbox.initialize();
        emptyTable();
        sender.ackNanos.clear();
        sender.keepTimes = true;
        int total = ratePerSecond * seconds;
        Map<UUID, Long> committed = FixedRate.produce(ratePerSecond, warmupSeconds, seconds, producerThreads,
                () -> new FixedRate.Producer() {
            @Override
            public UUID commitOne(long sequence) {
                UUID id = UUID.randomUUID();
                transactions.inTransaction(() -> schedule(outbox, sequence, id.toString()));
                return id;
            }

            @Override
            public void close() {
            }
        });
        Set<String> expected = committed.keySet().stream().map(UUID::toString).collect(Collectors.toSet());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!sender.ackNanos.keySet().containsAll(expected) && System.nanoTime() < deadline) {
            outbox.flush();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        sender.keepTimes = false;
        Map<UUID, Long> acks = new LinkedHashMap<>();
        sender.ackNanos.forEach((id, nanos) -> acks.put(UUID.fromString(id), nanos));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("library", "gruelbox transactionoutbox-core " + VERSION);
        result.put("offered_rate_per_second", ratePerSecond);
        result.put("events", total);
        result.put("commit_to_ack_ms", RelayScenarios.percentiles(committed, acks));
        return result;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        producer.close(Duration.ofSeconds(5));
    }
}
