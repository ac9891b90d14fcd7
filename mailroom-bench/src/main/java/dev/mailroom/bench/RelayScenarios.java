package dev.mailroom.bench;

import dev.mailroom.kafka.CloudEventHeaders;
import dev.mailroom.kafka.KafkaTransport;
import dev.mailroom.relay.ClaimMode;
import dev.mailroom.relay.Relay;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Mailroom's relay under the benchmark's workloads: backlog drain, sustained load, latency at a fixed rate. */
final class RelayScenarios {

    private final BenchEnvironment env;
    private final int relayBatchSize;

    private final int lingerMs;
    private final int ackDelayMs;

    RelayScenarios(BenchEnvironment env, int relayBatchSize, int lingerMs, int ackDelayMs) {
        this.env = env;
        this.relayBatchSize = relayBatchSize;
        this.lingerMs = lingerMs;
        this.ackDelayMs = ackDelayMs;
    }

    /** How a drain's relays differ from the defaults; {@link #describe} names it in the result. */
    record Variant(String describe, UnaryOperator<Relay.Builder> settings) {
        static final Variant DEFAULTS = new Variant("defaults (row-lock claims, rows kept as published)", b -> b);
        static final Variant LEASE = new Variant("lease claims", b -> b.claimMode(ClaimMode.LEASE));
        static final Variant PARTITION_LEASE = new Variant("partition-leased claims, rows kept as published",
                b -> b.claimMode(ClaimMode.PARTITION_LEASE));
        static Variant partitionLeasesWithRetention(Duration keep, Duration interval) {
            return new Variant("partition-leased claims, rows kept as published, deleted " + keep.toSeconds()
                    + " s after delivery (checked every " + interval.toSeconds() + " s)",
                    b -> b.claimMode(ClaimMode.PARTITION_LEASE).retention(keep, interval));
        }

        static final Variant DELETE_PUBLISHED = new Variant("row-lock claims, rows deleted once delivered",
                b -> b.deletePublished(true));
    }

    private List<Relay> startRelays(List<RecordingTransport> transports, Variant variant) {
        List<Relay> relays = new ArrayList<>();
        for (int i = 0; i < transports.size(); i++) {
            relays.add(variant.settings().apply(Relay.builder(env.dataSource, BenchEnvironment.ROUTES, transports.get(i))
                    .service("orders").owner("bench-relay-" + i).batchSize(relayBatchSize)).build().start());
        }
        return relays;
    }

    private List<RecordingTransport> transports(int count, boolean keepTimes) {
        List<RecordingTransport> transports = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            transports.add(new RecordingTransport(KafkaTransport.builder(env.broker.bootstrapServers()).lingerMs(lingerMs)
                    .clientConfig(Map.of("client.id", CpuMeter.RELAY_PRODUCER_CLIENT_ID + "-" + i)).build(), keepTimes,
                    ackDelayMs));
        }
        return transports;
    }

    private static long acknowledged(List<RecordingTransport> transports) {
        return transports.stream().mapToLong(RecordingTransport::acknowledged).sum();
    }

    private static void stop(List<Relay> relays, List<RecordingTransport> transports) {
        relays.forEach(Relay::close);
        transports.forEach(RecordingTransport::close);
    }

    /** {@code backlog} pending events, then {@code relayCount} relays started: events/s until the last acknowledgement. */
    Map<String, Object> drain(int backlog, int relayCount) throws Exception {
        return drain(backlog, relayCount, Variant.DEFAULTS);
    }

    Map<String, Object> drain(int backlog, int relayCount, Variant variant) throws Exception {
        env.resetOutbox();
        env.fillBacklog(backlog);
        DbStats before = env.database.stats(env);
        List<RecordingTransport> transports = transports(relayCount, false);
        long start = System.nanoTime();
        List<Relay> relays = startRelays(transports, variant);
        long deadline = start + TimeUnit.MINUTES.toNanos(30);
        while (acknowledged(transports) < backlog && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long relayCpu = CpuMeter.relayCpuNanos();
        long sends = acknowledged(transports);
        stop(relays, transports);
        DbStats delta = env.database.stats(env).minus(before);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("backlog", backlog);
        result.put("relays", relayCount);
        result.put("relay_settings", variant.describe());
        result.put("relay_batch_size", relayBatchSize);
        result.put("seconds", Ceilings.round(seconds));
        result.put("events_per_second", Math.round(backlog / seconds));
        result.put("first_ack_ms", Ceilings.round((transports.stream().mapToLong(RecordingTransport::firstAckNanos)
                .filter(nanos -> nanos > 0).min().orElse(start) - start) / 1e6));
        result.put("acknowledged_sends", sends);
        result.put("published_rows", env.queryLong("SELECT count(*) FROM " + BenchEnvironment.TABLE
                + " WHERE status = 'published'"));
        result.put("undelivered_rows", undelivered());
        result.put("relay_cpu_seconds_per_100k_events", Ceilings.round(relayCpu / 1e9 * 100_000 / backlog));
        result.putAll(env.database.writeCosts(delta, backlog));
        result.put("table_bytes_after", env.database.tableBytes(env, BenchEnvironment.TABLE));
        return result;
    }

    /**
     * Producers commit batches of {@code batch} at {@code ratePerSecond} events/s (0: as fast as they
     * can) while one relay runs: {@code warmupSeconds} unmeasured, then a {@code seconds} window in
     * which the backlog must not grow.
     */
    Map<String, Object> sustained(int warmupSeconds, int seconds, int producerThreads, int batch, int ratePerSecond)
            throws Exception {
        return sustained(warmupSeconds, seconds, producerThreads, batch, ratePerSecond, Variant.DEFAULTS, null);
    }

    /**
     * As {@link #sustained(int, int, int, int, int)} with the relays of {@code variant}, and every
     * {@code sampleEvery} (null: never) a sample of the backlog, the table's size, its live and dead
     * row versions and its vacuum counts, to show whether the table stays flat under retention.
     */
    Map<String, Object> sustained(int warmupSeconds, int seconds, int producerThreads, int batch, int ratePerSecond,
                                  Variant variant, Duration sampleEvery) throws Exception {
        env.resetOutbox();
        List<RecordingTransport> transports = transports(1, false);
        List<Relay> relays = startRelays(transports, variant);
        List<Map<String, Object>> samples = new ArrayList<>();
        long nextSample = System.nanoTime();
        DbStats before = env.database.stats(env);
        AtomicLong produced = new AtomicLong();
        long start = System.nanoTime();
        long windowStart = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
        long end = windowStart + TimeUnit.SECONDS.toNanos(seconds);
        long batchInterval = ratePerSecond <= 0 ? 0 : TimeUnit.SECONDS.toNanos(batch) / ratePerSecond;
        ExecutorService pool = Executors.newFixedThreadPool(producerThreads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < producerThreads; t++) {
            done.add(pool.submit(() -> {
                try (Connection connection = env.dataSource.getConnection()) {
                    connection.setAutoCommit(false);
                    while (System.nanoTime() < end) {
                        long from = produced.getAndAdd(batch);
                        LockSupport.parkNanos(start + (from / batch) * batchInterval - System.nanoTime());
                        env.publisher.publishAll(connection, env.events(from, batch));
                        connection.commit();
                    }
                }
                return null;
            }));
        }
        LockSupport.parkNanos(windowStart - System.nanoTime());
        long producedAtStart = produced.get();
        long deliveredAtStart = acknowledged(transports);
        long cpuAtStart = CpuMeter.relayCpuNanos();
        long backlogAtStart = undelivered();
        long backlogMid = -1;
        while (System.nanoTime() < end) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            if (backlogMid < 0 && System.nanoTime() > windowStart + (end - windowStart) / 2) {
                backlogMid = undelivered();
            }
            if (sampleEvery != null && System.nanoTime() - nextSample >= 0) {
                nextSample += sampleEvery.toNanos();
                samples.add(tableSample((System.nanoTime() - start) / 1e9, produced.get(), acknowledged(transports)));
            }
        }
        double elapsed = (System.nanoTime() - windowStart) / 1e9;
        long producedInWindow = produced.get() - producedAtStart;
        long deliveredInWindow = acknowledged(transports) - deliveredAtStart;
        long relayCpu = CpuMeter.relayCpuNanos() - cpuAtStart;
        long backlogEnd = undelivered();
        for (Future<?> future : done) {
            future.get();
        }
        pool.shutdown();
        stop(relays, transports);
        DbStats delta = env.database.stats(env).minus(before);
        long tolerance = Math.max((long) producerThreads * batch * 2, 2L * relayBatchSize);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("warmup_seconds", warmupSeconds);
        result.put("seconds", Ceilings.round(elapsed));
        result.put("producer_threads", producerThreads);
        result.put("events_per_transaction", batch);
        result.put("offered_rate_per_second", ratePerSecond <= 0 ? "as fast as the producers can" : ratePerSecond);
        result.put("produced_per_second", Math.round(producedInWindow / elapsed));
        result.put("delivered_per_second", Math.round(deliveredInWindow / elapsed));
        result.put("backlog_at_window_start", backlogAtStart);
        result.put("backlog_at_half_window", backlogMid);
        result.put("backlog_at_end", backlogEnd);
        result.put("backlog_growth_per_second", Math.round((backlogEnd - backlogAtStart) / elapsed));
        result.put("backlog_not_growing", backlogEnd <= backlogAtStart + tolerance);
        result.put("relay_cpu_seconds_per_100k_events", deliveredInWindow == 0 ? 0
                : Ceilings.round(relayCpu / 1e9 * 100_000 / deliveredInWindow));
        result.put("row_writes_per_event_including_insert", produced.get() == 0 ? 0
                : Ceilings.round((double) delta.rowWrites() / produced.get()));
        result.put("wal_bytes_per_event_including_insert", produced.get() == 0 ? 0
                : Math.round((double) delta.logBytes() / produced.get()));
        result.put("relay", variant.describe());
        if (sampleEvery != null) {
            result.put("samples", samples);
        }
        return result;
    }

    /** The backlog and the outbox table's size, row versions and vacuums now. */
    private Map<String, Object> tableSample(double atSeconds, long produced, long delivered) throws Exception {
        Map<String, Object> sample = new LinkedHashMap<>();
        sample.put("at_seconds", Math.round(atSeconds));
        sample.put("produced", produced);
        sample.put("delivered", delivered);
        sample.put("backlog", undelivered());
        // summed over the partitions of a time-partitioned outbox (a plain table is its own only member)
        String members = PostgresBench.members(BenchEnvironment.TABLE);
        sample.put("table_bytes", env.queryLong("SELECT sum(pg_total_relation_size(relid)) FROM " + members
                + " AS members (relid)"));
        sample.put("heap_bytes", env.queryLong("SELECT sum(pg_relation_size(relid)) FROM " + members
                + " AS members (relid)"));
        String stats = "SELECT coalesce(sum(%s), 0) FROM pg_stat_user_tables WHERE relid IN " + members;
        sample.put("live_rows", env.queryLong(stats.formatted("n_live_tup")));
        sample.put("dead_rows", env.queryLong(stats.formatted("n_dead_tup")));
        sample.put("autovacuums", env.queryLong(stats.formatted("autovacuum_count")));
        System.out.println("   " + sample);
        return sample;
    }

    private long undelivered() throws Exception {
        return env.queryLong("SELECT count(*) FROM " + BenchEnvironment.TABLE + " WHERE status IN ('pending', 'sending')");
    }

    /** Who commits the latency run's events: how the relay learns of them. */
    enum Producers {
        /** Mailroom's publisher in the relay's JVM: on a polling database its writes cut the relay's idle sleep short. */
        PUBLISHER_IN_RELAY_JVM,
        /**
         * The SQL contract's plain {@code INSERT} from a pool of its own, as a service in another
         * language would: nothing signals the relay but the database (NOTIFY, or the next poll).
         */
        PLAIN_SQL_UNSIGNALLED
    }

    /** Single-event transactions at a fixed offered rate: commit to Kafka acknowledgement and to consumer receipt. */
    Map<String, Object> latency(int ratePerSecond, int warmupSeconds, int seconds, int producerThreads, Producers producers)
            throws Exception {
        return latency(ratePerSecond, warmupSeconds, seconds, producerThreads, producers, Variant.DEFAULTS);
    }

    Map<String, Object> latency(int ratePerSecond, int warmupSeconds, int seconds, int producerThreads, Producers producers,
                                Variant variant) throws Exception {
        env.resetOutbox();
        List<RecordingTransport> transports = transports(1, true);
        List<Relay> relays = startRelays(transports, variant);
        Map<UUID, Long> receivedNanos = new ConcurrentHashMap<>();
        int total = ratePerSecond * seconds;
        Map<UUID, Long> committedNanos;
        try (TopicWatcher watcher = new TopicWatcher(env, receivedNanos);
             HikariDataSource plainPool = producers == Producers.PLAIN_SQL_UNSIGNALLED
                     ? env.database.open("bench-plain-sql", producerThreads) : null) {
            watcher.awaitAssignment();
            FixedRate.ProducerFactory factory = plainPool != null
                    ? FixedRate.onConnection(plainPool, this::insertPlainSql)
                    : FixedRate.onConnection(env.dataSource,
                            (connection, sequence) -> env.publisher.publish(connection, env.event(sequence)));
            committedNanos = FixedRate.produce(ratePerSecond, warmupSeconds, seconds, producerThreads, factory);
            FixedRate.awaitAll(committedNanos, 60, transports.get(0).ackNanos(), receivedNanos);
        }
        stop(relays, transports);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("offered_rate_per_second", ratePerSecond);
        result.put("relay", variant.describe());
        result.put("events", total);
        result.put("producer_threads", producerThreads);
        result.put("producers", producers == Producers.PLAIN_SQL_UNSIGNALLED
                ? "plain SQL INSERT from another pool, not signalled to the relay" : "Mailroom publisher in the relay's JVM");
        result.put("commit_to_ack_ms", percentiles(committedNanos, transports.get(0).ackNanos()));
        result.put("commit_to_consumer_ms", percentiles(committedNanos, receivedNanos));
        return result;
    }

    /** The one {@code INSERT} a producer in another language writes (README, "The SQL contract"), with its own event id. */
    private UUID insertPlainSql(Connection connection, long sequence) throws Exception {
        UUID id = UUID.randomUUID();
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + BenchEnvironment.TABLE
                + " (event_id, event_type, event_key, payload) VALUES (?, 'order.placed', ?, ?)")) {
            env.database.dialect().setUuid(insert, 1, id);
            insert.setString(2, env.key(sequence));
            insert.setBytes(3, BenchEnvironment.payload(sequence));
            insert.executeUpdate();
        }
        return id;
    }

    static Map<String, Object> percentiles(Map<UUID, Long> from, Map<UUID, Long> to) {
        Histogram histogram = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
        int missing = 0;
        for (Map.Entry<UUID, Long> entry : from.entrySet()) {
            Long end = to.get(entry.getKey());
            if (end == null) {
                missing++;
            } else {
                histogram.recordValue(Math.max(0, (end - entry.getValue()) / 1000));
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("p50", histogram.getValueAtPercentile(50) / 1000.0);
        result.put("p90", histogram.getValueAtPercentile(90) / 1000.0);
        result.put("p99", histogram.getValueAtPercentile(99) / 1000.0);
        result.put("max", histogram.getMaxValue() / 1000.0);
        result.put("count", histogram.getTotalCount());
        result.put("missing", missing);
        return result;
    }

    /** A plain consumer noting when each event id first arrives. */
    private static final class TopicWatcher implements AutoCloseable {

        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Thread thread;
        private volatile boolean running = true;
        private volatile boolean assigned;

        TopicWatcher(BenchEnvironment env, Map<UUID, Long> receivedNanos) {
            Map<String, Object> config = env.broker.clientConfig();
            config.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID());
            config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
            consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(List.of(BenchEnvironment.TOPIC));
            thread = new Thread(() -> {
                while (running) {
                    var records = consumer.poll(Duration.ofMillis(50));
                    long now = System.nanoTime();
                    assigned = assigned || !consumer.assignment().isEmpty();
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        receivedNanos.putIfAbsent(UUID.fromString(
                                CloudEventHeaders.read(record.headers(), CloudEventHeaders.ID)), now);
                    }
                }
                consumer.close();
            }, "bench-topic-watcher");
            thread.start();
        }

        void awaitAssignment() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!assigned && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(5000);
        }
    }
}
