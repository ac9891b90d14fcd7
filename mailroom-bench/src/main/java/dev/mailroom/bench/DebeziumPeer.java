package dev.mailroom.bench;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.debezium.embedded.Connect;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Debezium's embedded engine reading the write-ahead log (pgoutput) with the outbox event router,
 * on the same workload. The producer inserts into the router's default outbox table
 * ({@code id, aggregatetype, aggregateid, type, payload}); the engine hands the routed records to a
 * batch consumer that sends them with its own Kafka producer (the embedded engine does not write to
 * Kafka itself) and waits for the acknowledgements before it marks the batch processed.
 * Settings follow Debezium's documentation for throughput and latency: pgoutput, larger batches and
 * queue, a 5 ms poll interval. Rows are inserted only (Debezium suggests deleting them in the same
 * transaction, which doubles the decoded changes; Mailroom's table keeps its rows too).
 */
final class DebeziumPeer implements AutoCloseable {

    static final String VERSION = "3.6.1.Final";
    static final String TABLE = "dbz_outbox";
    static final String SLOT = "mailroom_bench_dbz";
    static final int MAX_BATCH = 4096;
    static final int MAX_QUEUE = 16384;
    static final int POLL_INTERVAL_MS = 5;

    private final BenchEnvironment env;
    private final KafkaProducer<byte[], byte[]> producer;
    private final LongAdder acknowledged = new LongAdder();
    private final AtomicLong firstAckNanos = new AtomicLong();
    private final Map<UUID, Long> ackNanos = new ConcurrentHashMap<>();
    private volatile boolean keepTimes;

    private final int lingerMs;

    /** {@code lingerMs}: the relay's, so both send with the same producer settings. */
    DebeziumPeer(BenchEnvironment env, int lingerMs) throws Exception {
        this.env = env;
        this.lingerMs = lingerMs;
        Map<String, Object> config = env.broker.clientConfig();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        this.producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        dropSlotAndPublication();
        env.execute("DROP TABLE IF EXISTS " + TABLE);
        env.execute("CREATE TABLE " + TABLE + " (id uuid PRIMARY KEY, aggregatetype varchar(255) NOT NULL,"
                + " aggregateid varchar(255) NOT NULL, type varchar(255) NOT NULL, payload bytea)");
    }

    /** Whether the server can feed a log-based peer at all. */
    static boolean logicalDecodingAvailable(BenchEnvironment env) throws Exception {
        return "logical".equals(env.queryString("SHOW wal_level"));
    }

    /**
     * Drops the slot once no walsender holds it: a stopped engine's replication connection ends a moment
     * after the engine (dropping an active slot fails); one still there after 5 s is terminated.
     */
    private void dropSlotAndPublication() throws Exception {
        if (!slotReleasedWithin(Duration.ofSeconds(5))) {
            env.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '" + SLOT
                    + "' AND active");
            slotReleasedWithin(Duration.ofSeconds(5));
        }
        env.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + SLOT + "'");
        env.execute("DROP PUBLICATION IF EXISTS " + SLOT);
    }

    /** Polls until no walsender holds the slot (or there is none); answers whether that happened in time. */
    private boolean slotReleasedWithin(Duration timeout) throws Exception {
        String active = "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + SLOT + "' AND active";
        long deadline = System.nanoTime() + timeout.toNanos();
        while (env.queryLong(active) > 0) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        return true;
    }


    /** A fresh table, publication and slot, so the engine streams exactly what is inserted from now on. */
    private void resetCapture() throws Exception {
        dropSlotAndPublication();
        env.execute("TRUNCATE " + TABLE);
        env.execute("CREATE PUBLICATION " + SLOT + " FOR TABLE mailroom_bench." + TABLE);
        env.execute("SELECT pg_create_logical_replication_slot('" + SLOT + "', 'pgoutput')");
    }

    private void insert(Connection connection, long from, int count, List<UUID> ids) throws Exception {
        StringBuilder sql = new StringBuilder("INSERT INTO " + TABLE
                + " (id, aggregatetype, aggregateid, type, payload) VALUES ");
        for (int i = 0; i < count; i++) {
            sql.append(i == 0 ? "" : ", ").append("(?, 'orders', ?, 'order.placed', ?)");
        }
        try (PreparedStatement insert = connection.prepareStatement(sql.toString())) {
            int p = 1;
            for (int i = 0; i < count; i++) {
                UUID id = UUID.randomUUID();
                ids.add(id);
                insert.setObject(p++, id);
                insert.setString(p++, "key-" + ((from + i) % 1000));
                insert.setBytes(p++, BenchEnvironment.payload(from + i));
            }
            insert.executeUpdate();
        }
    }

    private Properties engineProperties() throws Exception {
        URI uri = URI.create(env.database.server().url().substring("jdbc:".length()));
        String database = uri.getPath().substring(1);
        Properties props = new Properties();
        props.setProperty("name", "mailroom-bench-debezium");
        props.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        props.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        props.setProperty("offset.flush.interval.ms", "1000");
        props.setProperty("database.hostname", uri.getHost());
        props.setProperty("database.port", String.valueOf(uri.getPort() < 0 ? 5432 : uri.getPort()));
        props.setProperty("database.user", env.database.server().user());
        props.setProperty("database.password", env.database.server().password());
        props.setProperty("database.dbname", database.contains("?") ? database.substring(0, database.indexOf('?')) : database);
        props.setProperty("topic.prefix", "bench-dbz");
        props.setProperty("plugin.name", "pgoutput");
        props.setProperty("slot.name", SLOT);
        props.setProperty("publication.name", SLOT);
        props.setProperty("publication.autocreate.mode", "disabled");
        props.setProperty("snapshot.mode", "no_data");
        props.setProperty("table.include.list", "mailroom_bench." + TABLE);
        props.setProperty("tombstones.on.delete", "false");
        props.setProperty("max.batch.size", String.valueOf(MAX_BATCH));
        props.setProperty("max.queue.size", String.valueOf(MAX_QUEUE));
        props.setProperty("poll.interval.ms", String.valueOf(POLL_INTERVAL_MS));
        props.setProperty("transforms", "outbox");
        props.setProperty("transforms.outbox.type", "io.debezium.transforms.outbox.EventRouter");
        props.setProperty("transforms.outbox.route.topic.replacement", "bench.${routedByValue}");
        return props;
    }

    /** Sends one engine batch and waits for every acknowledgement before committing it. */
    private void handle(List<RecordChangeEvent<SourceRecord>> records,
                        DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
        List<Future<?>> sends = new ArrayList<>(records.size());
        for (RecordChangeEvent<SourceRecord> event : records) {
            SourceRecord record = event.record();
            if (record.value() == null) {
                continue;
            }
            Header idHeader = record.headers().lastWithName("id");
            UUID id = idHeader == null ? null : UUID.fromString(String.valueOf(idHeader.value()));
            byte[] key = String.valueOf(record.key()).getBytes(StandardCharsets.UTF_8);
            sends.add(producer.send(new ProducerRecord<>(record.topic(), key, bytes(record.value())), (metadata, error) -> {
                if (error == null) {
                    acknowledged.increment();
                    if (firstAckNanos.get() == 0) {
                        firstAckNanos.compareAndSet(0, System.nanoTime());
                    }
                    if (keepTimes && id != null) {
                        ackNanos.putIfAbsent(id, System.nanoTime());
                    }
                }
            }));
        }
        for (Future<?> send : sends) {
            try {
                send.get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("Kafka send failed: " + e, e);
            }
        }
        for (RecordChangeEvent<SourceRecord> event : records) {
            committer.markProcessed(event);
        }
        committer.markBatchFinished();
    }

    private static byte[] bytes(Object value) {
        if (value instanceof byte[] array) {
            return array;
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] array = new byte[buffer.remaining()];
            buffer.duplicate().get(array);
            return array;
        }
        return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
    }

    private final class RunningEngine implements AutoCloseable {

        private final DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
        private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "bench-debezium"));

        RunningEngine() throws Exception {
            engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                    .using(engineProperties())
                    .notifying(DebeziumPeer.this::handle)
                    .build();
            thread.execute(engine);
        }

        @Override
        public void close() throws Exception {
            engine.close();
            thread.shutdown();
            thread.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    private void awaitAcknowledged(long target, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (acknowledged.sum() < target && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /** The backlog is written to the log first (slot already created), then the engine starts: events/s until the last acknowledgement. */
    Map<String, Object> drain(int backlog) throws Exception {
        resetCapture();
        try (Connection connection = env.dataSource.getConnection()) {
            connection.setAutoCommit(false);
            List<UUID> ignored = new ArrayList<>();
            for (int from = 0; from < backlog; from += 500) {
                insert(connection, from, Math.min(500, backlog - from), ignored);
                connection.commit();
                ignored.clear();
            }
        }
        long before = acknowledged.sum();
        firstAckNanos.set(0);
        long start = System.nanoTime();
        double seconds;
        try (RunningEngine ignored = new RunningEngine()) {
            awaitAcknowledged(before + backlog, TimeUnit.MINUTES.toNanos(20));
            seconds = (System.nanoTime() - start) / 1e9;
        }
        long delivered = acknowledged.sum() - before;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("library", "Debezium embedded engine + outbox EventRouter " + VERSION);
        result.put("backlog", backlog);
        result.put("acknowledged_sends", delivered);
        result.put("seconds", Ceilings.round(seconds));
        result.put("events_per_second", delivered < backlog ? 0 : Math.round(backlog / seconds));
        result.put("first_ack_ms", Ceilings.round((firstAckNanos.get() - start) / 1e6));
        result.put("settings", settings());
        return result;
    }

    /** Single-event transactions at a fixed rate while the engine streams: commit to Kafka acknowledgement. */
    Map<String, Object> latency(int ratePerSecond, int warmupSeconds, int seconds, int producerThreads) throws Exception {
        resetCapture();
        ackNanos.clear();
        Map<UUID, Long> committed = new ConcurrentHashMap<>();
        int total = ratePerSecond * seconds;
        try (RunningEngine ignored = new RunningEngine()) {
            warmUp();
            keepTimes = true;
            committed.putAll(FixedRate.produce(ratePerSecond, warmupSeconds, seconds, producerThreads, FixedRate.onConnection(
                    env.dataSource, (connection, sequence) -> {
                        List<UUID> ids = new ArrayList<>(1);
                        insert(connection, sequence, 1, ids);
                        return ids.get(0);
                    })));
            FixedRate.awaitAll(committed, 60, ackNanos);
            keepTimes = false;
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("library", "Debezium embedded engine + outbox EventRouter " + VERSION);
        result.put("offered_rate_per_second", ratePerSecond);
        result.put("events", total);
        result.put("commit_to_ack_ms", RelayScenarios.percentiles(committed, new LinkedHashMap<>(ackNanos)));
        result.put("settings", settings());
        return result;
    }

    /** Waits until the engine streams: one event inserted and acknowledged. */
    private void warmUp() throws Exception {
        long before = acknowledged.sum();
        try (Connection connection = env.dataSource.getConnection()) {
            connection.setAutoCommit(true);
            insert(connection, 0, 1, new ArrayList<>());
        }
        awaitAcknowledged(before + 1, TimeUnit.SECONDS.toNanos(60));
        if (acknowledged.sum() == before) {
            throw new IllegalStateException("the Debezium engine delivered nothing within 60 s");
        }
    }

    private String settings() {
        return "pgoutput, snapshot.mode=no_data, max.batch.size=" + MAX_BATCH + ", max.queue.size=" + MAX_QUEUE
                + ", poll.interval.ms=" + POLL_INTERVAL_MS + ", EventRouter defaults (aggregatetype routes),"
                + " payload bytea, producer acks=all idempotent linger " + lingerMs
                + " ms, each batch's sends awaited before commit";
    }

    @Override
    public void close() throws Exception {
        producer.close(Duration.ofSeconds(5));
        dropSlotAndPublication();
    }
}
