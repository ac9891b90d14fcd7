package dev.mailroom.consumer;

import dev.mailroom.internal.Arguments;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.schema.SchemaMigrator;
import dev.mailroom.jdbc.store.OutboxStore;
import dev.mailroom.loop.BackgroundLoop;
import dev.mailroom.loop.FailureStreak;
import dev.mailroom.loop.LeaseOwners;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.routing.Route;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.routing.ServiceRoute;
import dev.mailroom.routing.TableName;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Consumes one consumer group's routed topics with effectively-once effects.
 *
 * <p>A receiver thread writes every record into the group's inbox table (an outbox-shaped table,
 * unique on the event id) and commits the Kafka offsets only after that write committed. A worker
 * then works through the inbox with the relay's claim, lease and retry machinery, running each
 * handler in the transaction that marks the event handled; when the consumer shares the
 * producer's database ({@link Builder#sharedOutbox(boolean)}), the producer's outbox row is marked
 * {@code consumed} in that same transaction. A redelivered event (same {@code ce_id}) is recognised
 * and has no second effect, whether Kafka redelivered it, offsets were reset, or the relay sent it
 * twice.
 *
 * <p>A database or broker outage does not stop the runner: the receiver commits nothing it could
 * not write, reads the batch again with backoff and carries on when the outage ends.
 * {@link #health()} tells an operator (or a health check) whether it is keeping up.
 */
public final class ConsumerRunner implements AutoCloseable {

    public static final int DEFAULT_BATCH_SIZE = 100;
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(60);
    public static final Duration DEFAULT_IDLE_WAIT = Duration.ofSeconds(30);
    /** How long a step (inbox write, poll, commit, worker pass) may keep failing before {@link #health()} says unhealthy. */
    public static final Duration DEFAULT_UNHEALTHY_AFTER = Duration.ofSeconds(30);
    private static final Duration ERROR_BACKOFF = Duration.ofSeconds(1);

    private final ConsumerSettings settings;
    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final TableName inboxTable;
    private final KafkaInboxReceiver receiver;
    private final BackgroundLoop worker;
    private final Duration unhealthyAfter;
    private final Clock clock;
    private volatile boolean started;

    private ConsumerRunner(Builder builder, ConsumerSettings settings, TableName inboxTable, Set<String> topics) {
        this.settings = settings;
        this.dataSource = builder.dataSource;
        this.dialect = builder.dialect;
        this.inboxTable = inboxTable;
        this.unhealthyAfter = builder.unhealthyAfter;
        this.clock = Clock.systemUTC();
        ConsumerMetrics metrics = builder.meterRegistry == null ? ConsumerMetrics.NOOP
                : new MicrometerConsumerMetrics(builder.meterRegistry, settings.group());
        OutboxStore inbox = OutboxStore.create(dataSource, dialect, inboxTable, builder.retryPolicy)
                .withAsynchronousCommit();
        Set<String> keyHoldingTypes = keyHoldingTypes(builder.routes, settings.group());
        if (!keyHoldingTypes.isEmpty()) {
            inbox = inbox.withKeysHeldByDeadEventsOf(keyHoldingTypes);
        }
        Map<String, OutboxStore> sharedOutboxes = new HashMap<>();
        if (builder.sharedOutbox) {
            for (ServiceRoute service : builder.routes.services()) {
                OutboxStore store = OutboxStore.create(dataSource, dialect, service.table(), builder.retryPolicy);
                for (Route route : builder.routes.routesOf(service.name())) {
                    sharedOutboxes.put(route.eventType(), store);
                }
            }
        }
        PayloadReader payloads = builder.payloadReader != null ? builder.payloadReader
                : jackson(builder.objectMapper != null ? builder.objectMapper
                        : new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false));
        InboxWorker inboxWorker = new InboxWorker(settings, inbox, Map.copyOf(builder.handlers),
                eventType -> Optional.ofNullable(sharedOutboxes.get(eventType)), payloads, builder.transactions,
                metrics);
        this.worker = BackgroundLoop.scheduled("mailroom-inbox-" + settings.group(), settings.idleWait(), ERROR_BACKOFF,
                inboxWorker::runOnce);
        InboxWriter writer = new InboxWriter(dataSource, dialect, inboxTable, builder.retryPolicy.maxAttempts());
        this.receiver = new KafkaInboxReceiver(new KafkaConsumer<>(consumerConfig(builder, settings.group()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer()), topics, writer, worker::wake, metrics,
                "mailroom-receiver-" + settings.group(), clock);
    }

    private static PayloadReader jackson(ObjectMapper mapper) {
        return new PayloadReader() {
            @Override
            public <T> T read(byte[] payload, Class<T> type) throws Exception {
                return mapper.readValue(payload, type);
            }
        };
    }

    public static Builder builder(DataSource dataSource, RouteRegistry routes, String bootstrapServers) {
        return new Builder(dataSource, routes, bootstrapServers);
    }

    private static Map<String, Object> consumerConfig(Builder builder, String group) {
        Map<String, Object> config = new HashMap<>(builder.consumerConfig);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, builder.bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return config;
    }

    /** Creates or upgrades the group's inbox table (opt-in, like every migration). */
    public List<Integer> migrate() {
        return new SchemaMigrator(dataSource, dialect).migrateInbox(inboxTable, "mailroom_" + inboxTable.name());
    }

    /** Starts the worker (which first picks up what a previous run left) and the receiver. */
    public synchronized ConsumerRunner start() {
        if (started) {
            throw new IllegalStateException("Consumer for group " + settings.group() + " is already started");
        }
        worker.start();
        receiver.start();
        started = true;
        return this;
    }

    /**
     * Whether the runner is doing its job: started, its receiver and worker threads alive, and no
     * step (inbox write, Kafka poll, offset commit, worker pass) failing for {@code unhealthyAfter}
     * (default {@link #DEFAULT_UNHEALTHY_AFTER}). Cheap; reads in-memory state only.
     */
    public ConsumerHealth health() {
        boolean receiverRunning = receiver.isRunning();
        boolean workerRunning = worker.isRunning();
        FailureStreak.Snapshot writes = receiver.writeFailures();
        FailureStreak.Snapshot polls = receiver.pollFailures();
        FailureStreak.Snapshot commits = receiver.commitFailures();
        FailureStreak.Snapshot passes = worker.failures();
        boolean failingTooLong = failingTooLong(writes) || failingTooLong(polls) || failingTooLong(commits)
                || failingTooLong(passes);
        return new ConsumerHealth(started && receiverRunning && workerRunning && !failingTooLong, receiverRunning,
                workerRunning, writes.lastError(), writes.since(), writes.failures(), polls.since(), commits.since(),
                passes.since());
    }

    private boolean failingTooLong(FailureStreak.Snapshot streak) {
        return streak.since() != null && Duration.between(streak.since(), clock.instant()).compareTo(unhealthyAfter) >= 0;
    }

    /** {@code health().healthy()}. */
    public boolean isHealthy() {
        return health().healthy();
    }

    public TableName inboxTable() {
        return inboxTable;
    }

    public String group() {
        return settings.group();
    }

    /** For tests: runs after received events are written to the inbox, before their offsets are committed. */
    void beforeOffsetCommit(Runnable hook) {
        receiver.beforeCommit(hook);
    }

    /** Stops receiving (uncommitted offsets are simply read again later) and stops the worker. */
    @Override
    public synchronized void close() {
        if (!started) {
            return;
        }
        started = false;
        receiver.close();
        worker.close();
    }

    /**
     * The event types of the services this group reads whose dead events hold their keys
     * ({@code PoisonPolicy.HOLD_KEY}): a poison event or one whose handler kept failing holds back
     * the later events of its key in the inbox too, until an operator skips or replays it.
     */
    private static Set<String> keyHoldingTypes(RouteRegistry routes, String group) {
        Set<String> types = new LinkedHashSet<>();
        for (ServiceRoute service : routes.services()) {
            if (service.consumerGroup().equals(group)) {
                types.addAll(routes.keyHoldingTypesOf(service.name()));
            }
        }
        return types;
    }

    static TableName defaultInboxTable(String group) {
        String name = group.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (!Character.isLetter(name.charAt(0)) && name.charAt(0) != '_') {
            name = "g_" + name;
        }
        return TableName.of(name.length() > 40 ? name.substring(0, 40) + "_inbox" : name + "_inbox");
    }

    /** Settings with the {@code DEFAULT_*} values; checked at {@link #build()}. */
    public static final class Builder {

        private final DataSource dataSource;
        private final RouteRegistry routes;
        private final String bootstrapServers;
        private final Map<String, HandlerRegistration<?>> handlers = new LinkedHashMap<>();
        private final Map<String, Object> consumerConfig = new HashMap<>();
        private String group;
        private String owner;
        private String inboxTable;
        private SqlDialect dialect;
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private UnknownTypePolicy unknownTypes = UnknownTypePolicy.DEAD_LETTER;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Duration lease = DEFAULT_LEASE;
        private Duration idleWait = DEFAULT_IDLE_WAIT;
        private Duration unhealthyAfter = DEFAULT_UNHEALTHY_AFTER;
        private boolean sharedOutbox;
        private MeterRegistry meterRegistry;
        private ObjectMapper objectMapper;
        private PayloadReader payloadReader;
        private HandlerTransactions transactions;

        private Builder(DataSource dataSource, RouteRegistry routes, String bootstrapServers) {
            this.dataSource = Arguments.requireNonNull(dataSource, "dataSource");
            this.routes = Arguments.requireNonNull(routes, "routes");
            this.bootstrapServers = bootstrapServers;
        }

        /** The consumer group (required); its topics are those of every service routed to it. */
        public Builder group(String group) {
            this.group = group;
            return this;
        }

        /** Handles event version 1 of a type, decoding the JSON payload into {@code payloadType}. */
        public <T> Builder handler(String eventType, Class<T> payloadType, EventHandler<T> handler) {
            return handler(eventType, payloadType, Set.of(1), null, handler);
        }

        /** Handles the given versions of a type; the validator may refuse a decoded payload as poison. */
        public <T> Builder handler(String eventType, Class<T> payloadType, Set<Integer> versions,
                                   PayloadValidator<T> validator, EventHandler<T> handler) {
            if (handlers.containsKey(eventType)) {
                throw new IllegalArgumentException("event type " + eventType + " already has a handler");
            }
            handlers.put(eventType, new HandlerRegistration<>(eventType, payloadType, versions, validator, handler));
            return this;
        }

        /** What to do with events nobody handles (default: dead-letter them). */
        public Builder unknownTypes(UnknownTypePolicy policy) {
            this.unknownTypes = Arguments.requireNonNull(policy, "policy");
            return this;
        }

        /** Mark the producer's outbox row {@code consumed} in the handler's transaction (same database only). */
        public Builder sharedOutbox(boolean sharedOutbox) {
            this.sharedOutbox = sharedOutbox;
            return this;
        }

        /** Backoff between handler attempts, and how many attempts before an event is dead (default 20). */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Arguments.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /** The database's dialect; by default read from one connection at {@link #build()} ({@link SqlDialect#detect}). */
        public Builder dialect(SqlDialect dialect) {
            this.dialect = Arguments.requireNonNull(dialect, "dialect");
            return this;
        }

        /** The inbox table; defaults to {@code <group>_inbox}. */
        public Builder inboxTable(String inboxTable) {
            this.inboxTable = inboxTable;
            return this;
        }

        public Builder owner(String owner) {
            this.owner = owner;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder lease(Duration lease) {
            this.lease = lease;
            return this;
        }

        /** How long a step (inbox write, poll, commit, worker pass) may keep failing before {@link #health()} says unhealthy. */
        public Builder unhealthyAfter(Duration unhealthyAfter) {
            this.unhealthyAfter = unhealthyAfter;
            return this;
        }

        /** Extra Kafka consumer settings (security and the like); group id and auto-commit are Mailroom's. */
        public Builder consumerConfig(Map<String, Object> config) {
            this.consumerConfig.putAll(config);
            return this;
        }

        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = meterRegistry;
            return this;
        }

        /** The Jackson mapper for payloads; defaults to one that ignores unknown properties. */
        public Builder objectMapper(ObjectMapper objectMapper) {
            this.objectMapper = objectMapper;
            return this;
        }

        /** Decodes payloads instead of the Jackson 2 mapper (for another JSON library or Jackson version). */
        public Builder payloadReader(PayloadReader payloadReader) {
            this.payloadReader = Arguments.requireNonNull(payloadReader, "payloadReader");
            return this;
        }

        /**
         * Runs each handler's transaction (default: one opened on a connection of the consumer's
         * {@code DataSource}); see {@link HandlerTransactions}.
         */
        public Builder handlerTransactions(HandlerTransactions transactions) {
            this.transactions = Arguments.requireNonNull(transactions, "transactions");
            return this;
        }

        public ConsumerRunner build() {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("bootstrapServers must name at least one broker");
            }
            if (group == null || group.isBlank()) {
                throw new IllegalArgumentException("group is required: the consumer group whose topics to read");
            }
            Set<String> topics = new LinkedHashSet<>();
            for (ServiceRoute service : routes.services()) {
                if (service.consumerGroup().equals(group)) {
                    routes.routesOf(service.name()).forEach(route -> topics.add(route.topic()));
                }
            }
            if (topics.isEmpty()) {
                throw new IllegalArgumentException("no service routes its events to consumer group '" + group + "'");
            }
            if (handlers.isEmpty()) {
                throw new IllegalArgumentException("register at least one handler for group '" + group + "'");
            }
            if (batchSize < 1 || batchSize > 10_000) {
                throw new IllegalArgumentException("batchSize must be between 1 and 10000, was " + batchSize);
            }
            if (lease == null || lease.toMillis() < 100) {
                throw new IllegalArgumentException("lease must be at least 100 ms, was " + lease);
            }
            if (unhealthyAfter == null || unhealthyAfter.isNegative() || unhealthyAfter.isZero()) {
                throw new IllegalArgumentException("unhealthyAfter must be positive, was " + unhealthyAfter);
            }
            TableName table = inboxTable != null ? TableName.of(inboxTable) : defaultInboxTable(group);
            String ownerId = owner != null ? owner
                    : LeaseOwners.newOwnerId();
            if (dialect == null) {
                dialect = SqlDialect.detect(dataSource);
            }
            return new ConsumerRunner(this, new ConsumerSettings(group, ownerId, batchSize, lease, idleWait, unknownTypes),
                    table, topics);
        }
    }
}
