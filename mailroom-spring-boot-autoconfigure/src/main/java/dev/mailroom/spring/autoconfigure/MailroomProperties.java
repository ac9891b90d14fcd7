package dev.mailroom.spring.autoconfigure;

import dev.mailroom.admin.MailroomAdmin;
import dev.mailroom.consumer.ConsumerRunner;
import dev.mailroom.consumer.UnknownTypePolicy;
import dev.mailroom.event.PublishLimits;
import dev.mailroom.kafka.KafkaTransport;
import dev.mailroom.ledger.CompensationLedger;
import dev.mailroom.relay.ClaimMode;
import dev.mailroom.relay.Relay;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.routing.PoisonPolicy;
import dev.mailroom.spring.WithoutTransaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Mailroom's settings under {@code mailroom.*}. Every default is the matching {@code DEFAULT_*}
 * constant of the plain Java API, so a Spring service and a plain Java one behave alike.
 */
@ConfigurationProperties("mailroom")
public class MailroomProperties {

    /** Whether Mailroom's auto-configuration runs at all. */
    private boolean enabled = true;

    /**
     * Routes per service (the key is the service name): its outbox table, topic, consumer group and
     * event types. Ignored when the application defines its own {@code RouteRegistry} bean.
     */
    private Map<String, Service> services = new LinkedHashMap<>();

    private final Publisher publisher = new Publisher();
    private final Kafka kafka = new Kafka();
    private final RelaySettings relay = new RelaySettings();
    private final ConsumerSettings consumer = new ConsumerSettings();
    private final Ledger ledger = new Ledger();
    private final Schema schema = new Schema();
    private final Health health = new Health();
    private final Admin admin = new Admin();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Map<String, Service> getServices() {
        return services;
    }

    public void setServices(Map<String, Service> services) {
        this.services = services;
    }

    public Publisher getPublisher() {
        return publisher;
    }

    public Kafka getKafka() {
        return kafka;
    }

    public RelaySettings getRelay() {
        return relay;
    }

    public ConsumerSettings getConsumer() {
        return consumer;
    }

    public Ledger getLedger() {
        return ledger;
    }

    public Schema getSchema() {
        return schema;
    }

    public Health getHealth() {
        return health;
    }

    public Admin getAdmin() {
        return admin;
    }

    /** One service's route. */
    public static class Service {

        /** The service's outbox table, {@code table} or {@code schema.table}. */
        private String table;

        /** The topic of every event type that does not name its own. */
        private String topic;

        /** The consumer group that reads the service's topics (default {@code <service>-consumers}). */
        private String consumerGroup;

        /** The event types the service publishes to its topic. */
        private List<String> events = new ArrayList<>();

        /** Event types with a topic of their own (key: event type, value: topic); they need not be listed in events. */
        private Map<String, String> eventTopics = new LinkedHashMap<>();

        /** What a dead event does to the later events of its key, for every event type of the service. */
        private PoisonPolicy poisonPolicy = PoisonPolicy.CONTINUE;

        /** The poison policy of single event types (key: event type). */
        private Map<String, PoisonPolicy> eventPoisonPolicies = new LinkedHashMap<>();

        public String getTable() {
            return table;
        }

        public void setTable(String table) {
            this.table = table;
        }

        public String getTopic() {
            return topic;
        }

        public void setTopic(String topic) {
            this.topic = topic;
        }

        public String getConsumerGroup() {
            return consumerGroup;
        }

        public void setConsumerGroup(String consumerGroup) {
            this.consumerGroup = consumerGroup;
        }

        public List<String> getEvents() {
            return events;
        }

        public void setEvents(List<String> events) {
            this.events = events;
        }

        public Map<String, String> getEventTopics() {
            return eventTopics;
        }

        public void setEventTopics(Map<String, String> eventTopics) {
            this.eventTopics = eventTopics;
        }

        public PoisonPolicy getPoisonPolicy() {
            return poisonPolicy;
        }

        public void setPoisonPolicy(PoisonPolicy poisonPolicy) {
            this.poisonPolicy = poisonPolicy;
        }

        public Map<String, PoisonPolicy> getEventPoisonPolicies() {
            return eventPoisonPolicies;
        }

        public void setEventPoisonPolicies(Map<String, PoisonPolicy> eventPoisonPolicies) {
            this.eventPoisonPolicies = eventPoisonPolicies;
        }
    }

    /** The publisher that joins the Spring transaction. */
    public static class Publisher {

        /** Refuse event types of any other service than this one (default: every routed type). */
        private String service;

        /** Delivery attempts stored on each published row before it is dead. */
        private int maxAttempts = RetryPolicy.DEFAULT_MAX_ATTEMPTS;

        /** What a publish does when no Spring transaction is active: fail, or run in a transaction of its own. */
        private WithoutTransaction withoutTransaction = WithoutTransaction.FAIL;

        /** Largest payload in bytes. */
        private int maxPayloadBytes = PublishLimits.DEFAULT_MAX_PAYLOAD_BYTES;

        /** Largest size of an event's headers in bytes. */
        private int maxHeaderBytes = PublishLimits.DEFAULT_MAX_HEADER_BYTES;

        /** Longest key in characters. */
        private int maxKeyLength = PublishLimits.DEFAULT_MAX_KEY_LENGTH;

        /** Largest Kafka record an event may make, in bytes (match the producer's max.request.size). */
        private int maxRecordBytes = PublishLimits.DEFAULT_MAX_RECORD_BYTES;

        public String getService() {
            return service;
        }

        public void setService(String service) {
            this.service = service;
        }

        public int getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public WithoutTransaction getWithoutTransaction() {
            return withoutTransaction;
        }

        public void setWithoutTransaction(WithoutTransaction withoutTransaction) {
            this.withoutTransaction = withoutTransaction;
        }

        public int getMaxPayloadBytes() {
            return maxPayloadBytes;
        }

        public void setMaxPayloadBytes(int maxPayloadBytes) {
            this.maxPayloadBytes = maxPayloadBytes;
        }

        public int getMaxHeaderBytes() {
            return maxHeaderBytes;
        }

        public void setMaxHeaderBytes(int maxHeaderBytes) {
            this.maxHeaderBytes = maxHeaderBytes;
        }

        public int getMaxKeyLength() {
            return maxKeyLength;
        }

        public void setMaxKeyLength(int maxKeyLength) {
            this.maxKeyLength = maxKeyLength;
        }

        public int getMaxRecordBytes() {
            return maxRecordBytes;
        }

        public void setMaxRecordBytes(int maxRecordBytes) {
            this.maxRecordBytes = maxRecordBytes;
        }
    }

    /** The Kafka transport of the relays and the consumers' Kafka client. */
    public static class Kafka {

        /** Kafka brokers, host:port[,host:port]; defaults to spring.kafka.bootstrap-servers when that is set. */
        private String bootstrapServers;

        /** How long the producer may take to deliver a record. */
        private Duration deliveryTimeout = KafkaTransport.DEFAULT_DELIVERY_TIMEOUT;

        /** Timeout of the admin client's calls (the topic check at relay start). */
        private Duration adminTimeout = KafkaTransport.DEFAULT_ADMIN_TIMEOUT;

        /** Producer batching delay in milliseconds. */
        private int lingerMs = KafkaTransport.DEFAULT_LINGER_MS;

        /** Create routed topics that are missing at relay start with this many partitions (unset: a missing topic fails the start). */
        private Integer createMissingTopicsPartitions;

        /** Replication factor of topics created at relay start. */
        private short createMissingTopicsReplication = 1;

        /** Extra Kafka client settings for producer, admin client and consumers (security and the like). */
        private Map<String, String> properties = new LinkedHashMap<>();

        public String getBootstrapServers() {
            return bootstrapServers;
        }

        public void setBootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
        }

        public Duration getDeliveryTimeout() {
            return deliveryTimeout;
        }

        public void setDeliveryTimeout(Duration deliveryTimeout) {
            this.deliveryTimeout = deliveryTimeout;
        }

        public Duration getAdminTimeout() {
            return adminTimeout;
        }

        public void setAdminTimeout(Duration adminTimeout) {
            this.adminTimeout = adminTimeout;
        }

        public int getLingerMs() {
            return lingerMs;
        }

        public void setLingerMs(int lingerMs) {
            this.lingerMs = lingerMs;
        }

        public Integer getCreateMissingTopicsPartitions() {
            return createMissingTopicsPartitions;
        }

        public void setCreateMissingTopicsPartitions(Integer createMissingTopicsPartitions) {
            this.createMissingTopicsPartitions = createMissingTopicsPartitions;
        }

        public short getCreateMissingTopicsReplication() {
            return createMissingTopicsReplication;
        }

        public void setCreateMissingTopicsReplication(short createMissingTopicsReplication) {
            this.createMissingTopicsReplication = createMissingTopicsReplication;
        }

        public Map<String, String> getProperties() {
            return properties;
        }

        public void setProperties(Map<String, String> properties) {
            this.properties = properties;
        }
    }

    /** Backoff between attempts. */
    public static class Retry {

        /** Wait after the first failed attempt. */
        private Duration initialDelay = RetryPolicy.DEFAULT_INITIAL_DELAY;

        /** Longest wait between attempts (the delay doubles up to it). */
        private Duration maxDelay = RetryPolicy.DEFAULT_MAX_DELAY;

        /** Fraction of each delay taken off at random, 0 to 1. */
        private double jitter = RetryPolicy.DEFAULT_JITTER;

        public Duration getInitialDelay() {
            return initialDelay;
        }

        public void setInitialDelay(Duration initialDelay) {
            this.initialDelay = initialDelay;
        }

        public Duration getMaxDelay() {
            return maxDelay;
        }

        public void setMaxDelay(Duration maxDelay) {
            this.maxDelay = maxDelay;
        }

        public double getJitter() {
            return jitter;
        }

        public void setJitter(double jitter) {
            this.jitter = jitter;
        }
    }

    /** The relays: one per service, started after the context is ready, stopped before the DataSource closes. */
    public static class RelaySettings {

        /** Whether this application runs relays. */
        private boolean enabled = true;

        /** The services to relay (default: every routed service). */
        private List<String> services = new ArrayList<>();

        /** Rows per claim, 1 to 10,000. */
        private int batchSize = Relay.DEFAULT_BATCH_SIZE;

        /** How rows are held while sent: ROW_LOCK (one row write per event), LEASE, or PARTITION_LEASE (PostgreSQL). */
        private ClaimMode claimMode = ClaimMode.ROW_LOCK;

        /** How long a claim is held; must exceed the send timeout. */
        private Duration lease = Relay.DEFAULT_LEASE;

        /** How long a batch waits for acknowledgements before unacknowledged sends count as failed. */
        private Duration sendTimeout = Relay.DEFAULT_SEND_TIMEOUT;

        /** Idle poll in case a notification was lost (PostgreSQL). */
        private Duration fallbackPoll = Relay.DEFAULT_FALLBACK_POLL;

        /** How often a busy relay reclaims expired leases, refreshes its gauges and heartbeats. */
        private Duration reapInterval = Relay.DEFAULT_REAP_INTERVAL;

        /** How long stopping waits for acknowledgements in flight. */
        private Duration shutdownTimeout = Relay.DEFAULT_SHUTDOWN_TIMEOUT;

        /** Shortest sleep of a polling relay (MariaDB, or listen=false). */
        private Duration minPoll = Relay.DEFAULT_MIN_POLL;

        /** Longest sleep of a polling relay. */
        private Duration maxPoll = Relay.DEFAULT_MAX_POLL;

        /** Whether to LISTEN for commits where the database notifies (PostgreSQL). */
        private boolean listen = true;

        /** Per-key ordering. */
        private boolean orderByKey = true;

        /** Delete rows once delivered instead of keeping them published. */
        private boolean deletePublished;

        /** Commit the relay's own bookkeeping without waiting for the log flush (a crash may redeliver, never lose). */
        private boolean asynchronousCommit = true;

        /** Delete delivered rows older than this (unset: keep them). */
        private Duration retention;

        /** How often retention looks for delivered rows past their age. */
        private Duration retentionInterval = Relay.DEFAULT_RETENTION_INTERVAL;

        private final Retry retry = new Retry();

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public List<String> getServices() {
            return services;
        }

        public void setServices(List<String> services) {
            this.services = services;
        }

        public int getBatchSize() {
            return batchSize;
        }

        public void setBatchSize(int batchSize) {
            this.batchSize = batchSize;
        }

        public ClaimMode getClaimMode() {
            return claimMode;
        }

        public void setClaimMode(ClaimMode claimMode) {
            this.claimMode = claimMode;
        }

        public Duration getLease() {
            return lease;
        }

        public void setLease(Duration lease) {
            this.lease = lease;
        }

        public Duration getSendTimeout() {
            return sendTimeout;
        }

        public void setSendTimeout(Duration sendTimeout) {
            this.sendTimeout = sendTimeout;
        }

        public Duration getFallbackPoll() {
            return fallbackPoll;
        }

        public void setFallbackPoll(Duration fallbackPoll) {
            this.fallbackPoll = fallbackPoll;
        }

        public Duration getReapInterval() {
            return reapInterval;
        }

        public void setReapInterval(Duration reapInterval) {
            this.reapInterval = reapInterval;
        }

        public Duration getShutdownTimeout() {
            return shutdownTimeout;
        }

        public void setShutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = shutdownTimeout;
        }

        public Duration getMinPoll() {
            return minPoll;
        }

        public void setMinPoll(Duration minPoll) {
            this.minPoll = minPoll;
        }

        public Duration getMaxPoll() {
            return maxPoll;
        }

        public void setMaxPoll(Duration maxPoll) {
            this.maxPoll = maxPoll;
        }

        public boolean isListen() {
            return listen;
        }

        public void setListen(boolean listen) {
            this.listen = listen;
        }

        public boolean isOrderByKey() {
            return orderByKey;
        }

        public void setOrderByKey(boolean orderByKey) {
            this.orderByKey = orderByKey;
        }

        public boolean isDeletePublished() {
            return deletePublished;
        }

        public void setDeletePublished(boolean deletePublished) {
            this.deletePublished = deletePublished;
        }

        public boolean isAsynchronousCommit() {
            return asynchronousCommit;
        }

        public void setAsynchronousCommit(boolean asynchronousCommit) {
            this.asynchronousCommit = asynchronousCommit;
        }

        public Duration getRetention() {
            return retention;
        }

        public void setRetention(Duration retention) {
            this.retention = retention;
        }

        public Duration getRetentionInterval() {
            return retentionInterval;
        }

        public void setRetentionInterval(Duration retentionInterval) {
            this.retentionInterval = retentionInterval;
        }

        public Retry getRetry() {
            return retry;
        }
    }

    /** The consumers: one runner per consumer group that has handler beans. */
    public static class ConsumerSettings {

        /** Whether this application runs consumers for its handler beans. */
        private boolean enabled = true;

        /** Inbox events claimed at once by the worker. */
        private int batchSize = ConsumerRunner.DEFAULT_BATCH_SIZE;

        /** How long the worker holds a claimed inbox event. */
        private Duration lease = ConsumerRunner.DEFAULT_LEASE;

        /** How long a step may keep failing before the runner reports itself unhealthy. */
        private Duration unhealthyAfter = ConsumerRunner.DEFAULT_UNHEALTHY_AFTER;

        /** Mark the producer's outbox row consumed in the handler's transaction (same database only). */
        private boolean sharedOutbox;

        /** What to do with events of a type no handler of the group takes. */
        private UnknownTypePolicy unknownTypes = UnknownTypePolicy.DEAD_LETTER;

        /** Handler attempts before an event is dead. */
        private int maxAttempts = RetryPolicy.DEFAULT_MAX_ATTEMPTS;

        /** Inbox tables per consumer group (key: group; default {@code <group>_inbox}). */
        private Map<String, String> inboxTables = new LinkedHashMap<>();

        private final Retry retry = new Retry();

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getBatchSize() {
            return batchSize;
        }

        public void setBatchSize(int batchSize) {
            this.batchSize = batchSize;
        }

        public Duration getLease() {
            return lease;
        }

        public void setLease(Duration lease) {
            this.lease = lease;
        }

        public Duration getUnhealthyAfter() {
            return unhealthyAfter;
        }

        public void setUnhealthyAfter(Duration unhealthyAfter) {
            this.unhealthyAfter = unhealthyAfter;
        }

        public boolean isSharedOutbox() {
            return sharedOutbox;
        }

        public void setSharedOutbox(boolean sharedOutbox) {
            this.sharedOutbox = sharedOutbox;
        }

        public UnknownTypePolicy getUnknownTypes() {
            return unknownTypes;
        }

        public void setUnknownTypes(UnknownTypePolicy unknownTypes) {
            this.unknownTypes = unknownTypes;
        }

        public int getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public Map<String, String> getInboxTables() {
            return inboxTables;
        }

        public void setInboxTables(Map<String, String> inboxTables) {
            this.inboxTables = inboxTables;
        }

        public Retry getRetry() {
            return retry;
        }
    }

    /** The compensation ledger (opt-in: it needs its own tables). */
    public static class Ledger {

        /** Whether to create the CompensationLedger bean. */
        private boolean enabled;

        /** Whether this application runs a worker that retries open items with the executor beans. */
        private boolean worker = true;

        /** The ledger table, optionally schema.table; its audit table is {@code <table>_audit}. */
        private String table = CompensationLedger.DEFAULT_TABLE;

        /** Attempts before an item needs an operator. */
        private int maxAttempts = CompensationLedger.DEFAULT_MAX_ATTEMPTS;

        /** Items claimed at once by a worker pass, 1 to 1000. */
        private int batchSize = CompensationLedger.DEFAULT_BATCH_SIZE;

        /** How long a worker holds the items it claimed; an executor must finish within half of it. */
        private Duration lease = CompensationLedger.DEFAULT_LEASE;

        /** How long an idle worker waits before looking again. */
        private Duration idleWait = CompensationLedger.DEFAULT_IDLE_WAIT;

        private final Retry retry = new Retry();

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public boolean isWorker() {
            return worker;
        }

        public void setWorker(boolean worker) {
            this.worker = worker;
        }

        public String getTable() {
            return table;
        }

        public void setTable(String table) {
            this.table = table;
        }

        public int getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public int getBatchSize() {
            return batchSize;
        }

        public void setBatchSize(int batchSize) {
            this.batchSize = batchSize;
        }

        public Duration getLease() {
            return lease;
        }

        public void setLease(Duration lease) {
            this.lease = lease;
        }

        public Duration getIdleWait() {
            return idleWait;
        }

        public void setIdleWait(Duration idleWait) {
            this.idleWait = idleWait;
        }

        public Retry getRetry() {
            return retry;
        }
    }

    /** Creating Mailroom's tables at start-up. */
    public static class Schema {

        /** ALWAYS: migrate the outbox, inbox, shared and ledger tables at start (idempotent); NEVER: leave the schema to you. */
        private SchemaInitialization initialize = SchemaInitialization.NEVER;

        public SchemaInitialization getInitialize() {
            return initialize;
        }

        public void setInitialize(SchemaInitialization initialize) {
            this.initialize = initialize;
        }
    }

    /** The mailroom health indicator. */
    public static class Health {

        /** Oldest undelivered outbox row age above which the indicator reports backlog-status (unset: no backlog check). */
        private Duration oldestUndeliveredThreshold;

        /** The status reported when the oldest undelivered row is older than the threshold. */
        private BacklogStatus backlogStatus = BacklogStatus.OUT_OF_SERVICE;

        public Duration getOldestUndeliveredThreshold() {
            return oldestUndeliveredThreshold;
        }

        public void setOldestUndeliveredThreshold(Duration oldestUndeliveredThreshold) {
            this.oldestUndeliveredThreshold = oldestUndeliveredThreshold;
        }

        public BacklogStatus getBacklogStatus() {
            return backlogStatus;
        }

        public void setBacklogStatus(BacklogStatus backlogStatus) {
            this.backlogStatus = backlogStatus;
        }
    }

    /** The operator view (MailroomAdmin bean and the mailroom Actuator endpoint). */
    public static class Admin {

        /** Whether operators may change rows (replay, discard, skip) through the endpoint; read-only otherwise. */
        private boolean writesEnabled;

        /** How long a relay instance may be silent before the overview shows it as gone. */
        private Duration relayExpiry = MailroomAdmin.DEFAULT_RELAY_EXPIRY;

        public boolean isWritesEnabled() {
            return writesEnabled;
        }

        public void setWritesEnabled(boolean writesEnabled) {
            this.writesEnabled = writesEnabled;
        }

        public Duration getRelayExpiry() {
            return relayExpiry;
        }

        public void setRelayExpiry(Duration relayExpiry) {
            this.relayExpiry = relayExpiry;
        }
    }

    /** The health status of a backlog older than the threshold. */
    public enum BacklogStatus {
        DOWN, OUT_OF_SERVICE
    }

    /** Whether Mailroom creates its tables at start-up. */
    public enum SchemaInitialization {
        ALWAYS, NEVER
    }
}
