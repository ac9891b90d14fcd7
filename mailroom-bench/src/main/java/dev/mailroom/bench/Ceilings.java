package dev.mailroom.bench;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The machine's own limits, measured in the same run: producer inserts alone, the naive claim
 * alone (no broker, no key order), and a Kafka producer alone.
 */
final class Ceilings {

    private Ceilings() {
    }

    /** Producer threads publishing transactions of {@code batch} events into the outbox, no relay running. */
    static Map<String, Object> inserts(BenchEnvironment env, int events, int threads, int batch) throws Exception {
        env.resetOutbox();
        AtomicLong next = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                try (Connection connection = env.dataSource.getConnection()) {
                    connection.setAutoCommit(false);
                    long from;
                    while ((from = next.getAndAdd(batch)) < events) {
                        env.publisher.publishAll(connection, env.events(from, (int) Math.min(batch, events - from)));
                        connection.commit();
                    }
                }
                return null;
            }));
        }
        for (Future<?> future : done) {
            future.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("events", events);
        result.put("threads", threads);
        result.put("events_per_transaction", batch);
        result.put("seconds", round(seconds));
        result.put("events_per_second", Math.round(events / seconds));
        return result;
    }

    /**
     * One claimer emptying a backlog of {@code backlog} rows with the database's naive claim
     * ({@link BenchDatabase#claimAndMarkPublished}) in transactions of {@code batch} rows, no broker.
     */
    static Map<String, Object> claims(BenchEnvironment env, int backlog, int batch) throws Exception {
        env.resetOutbox();
        env.fillBacklog(backlog);
        long rows = 0;
        long start = System.nanoTime();
        try (Connection connection = env.dataSource.getConnection()) {
            connection.setAutoCommit(false);
            int claimed;
            while ((claimed = env.database.claimAndMarkPublished(connection, BenchEnvironment.TABLE, batch)) > 0) {
                connection.commit();
                rows += claimed;
            }
            connection.commit();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("rows", rows);
        result.put("rows_per_transaction", batch);
        result.put("claim", "lock pending rows in id order (FOR UPDATE SKIP LOCKED), mark them published, commit;"
                + " one claimer, no key order, no broker");
        result.put("seconds", round(seconds));
        result.put("rows_per_second", Math.round(rows / seconds));
        return result;
    }

    /** A bare idempotent producer (acks=all, linger 5 ms, 256 KiB batches) sending 500-byte records as fast as it can. */
    static Map<String, Object> kafka(BenchEnvironment env, int records) throws Exception {
        Map<String, Object> config = env.broker.clientConfig();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        Semaphore inFlight = new Semaphore(20_000);
        long start;
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            start = System.nanoTime();
            for (int i = 0; i < records; i++) {
                inFlight.acquire();
                producer.send(new ProducerRecord<>(BenchEnvironment.TOPIC, ("key-" + (i % 1000)).getBytes(),
                        BenchEnvironment.payload(i)), (metadata, error) -> inFlight.release());
            }
            producer.flush();
            inFlight.acquire(20_000);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("records", records);
        result.put("seconds", round(seconds));
        result.put("records_per_second", Math.round(records / seconds));
        return result;
    }

    static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
