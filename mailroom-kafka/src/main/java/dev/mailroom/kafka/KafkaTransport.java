package dev.mailroom.kafka;

import dev.mailroom.transport.DeliveryException;
import dev.mailroom.transport.Envelope;
import dev.mailroom.transport.MissingDestinationException;
import dev.mailroom.transport.Transport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends events to Kafka: record key = event key (UTF-8), value = payload bytes unchanged, metadata
 * as CloudEvents binary-mode headers ({@link CloudEventHeaders}).
 *
 * <p>The producer is idempotent with {@code acks=all}, so broker-side retries never duplicate or
 * reorder a partition; its delivery timeout is bounded (default 10 s) so every send completes
 * within the relay's send timeout. Idempotence holds within one producer session only: a relay
 * restart, or a resend after a lost acknowledgement, can put an event on the topic twice, which is
 * why consumers deduplicate on ({@code ce_source}, {@code ce_id}).
 */
public final class KafkaTransport implements Transport {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTransport.class);

    public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_ADMIN_TIMEOUT = Duration.ofSeconds(15);
    public static final int DEFAULT_LINGER_MS = 1;
    /** Kafka's own default {@code max.request.size}. */
    private static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;

    private final String bootstrapServers;
    private final Map<String, Object> adminConfig;
    private final Producer<byte[], byte[]> producer;
    private final Duration adminTimeout;
    private final boolean createMissingTopics;
    private final int newTopicPartitions;
    private final short newTopicReplication;
    private volatile int maxRecordBytes;

    private KafkaTransport(Builder builder) {
        this.bootstrapServers = builder.bootstrapServers;
        this.adminTimeout = builder.adminTimeout;
        this.createMissingTopics = builder.createMissingTopics;
        this.newTopicPartitions = builder.newTopicPartitions;
        this.newTopicReplication = builder.newTopicReplication;
        this.adminConfig = new HashMap<>(builder.commonConfig);
        adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) adminTimeout.toMillis());
        adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(adminTimeout.toMillis(), 5000));
        Map<String, Object> producerConfig = producerConfig(builder);
        this.maxRecordBytes = Integer.parseInt(String.valueOf(producerConfig.getOrDefault(
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, DEFAULT_MAX_REQUEST_SIZE)));
        this.producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
    }

    public static Builder builder(String bootstrapServers) {
        return new Builder(bootstrapServers);
    }

    private static Map<String, Object> producerConfig(Builder builder) {
        Map<String, Object> config = new HashMap<>(builder.commonConfig);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, builder.bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.LINGER_MS_CONFIG, builder.lingerMs);
        int deliveryMs = (int) builder.deliveryTimeout.toMillis();
        int requestMs = Math.max(1000, Math.min(5000, deliveryMs - builder.lingerMs - 1000));
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestMs);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.max(deliveryMs, requestMs + builder.lingerMs));
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, deliveryMs);
        config.putAll(builder.producerOverrides);
        return config;
    }

    @Override
    public String name() {
        return "kafka";
    }

    /** Checks each topic on the broker; creates the missing ones when so configured. */
    @Override
    public void verifyDestinations(Collection<String> topics) {
        try (Admin admin = Admin.create(adminConfig)) {
            Set<String> existing = admin.listTopics().names().get(adminTimeout.toMillis(), TimeUnit.MILLISECONDS);
            List<String> missing = new ArrayList<>();
            for (String topic : topics) {
                if (!existing.contains(topic)) {
                    missing.add(topic);
                }
            }
            if (missing.isEmpty()) {
                lowerMaxRecordBytesToTopicLimits(admin, topics);
                return;
            }
            if (!createMissingTopics) {
                throw new MissingDestinationException(name(), missing.get(0), "create it on the broker at "
                        + bootstrapServers + ", or build the transport with createMissingTopics(partitions, replication)"
                        + (missing.size() > 1 ? " (also missing: " + missing.subList(1, missing.size()) + ")" : ""));
            }
            createTopics(admin, missing);
            lowerMaxRecordBytesToTopicLimits(admin, topics);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("Interrupted while checking topics on " + bootstrapServers, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new DeliveryException("Kafka at " + bootstrapServers + " did not answer within " + adminTimeout
                    + " while checking topics " + topics + ": " + e, e);
        }
    }

    private void lowerMaxRecordBytesToTopicLimits(Admin admin, Collection<String> topics) throws InterruptedException {
        List<ConfigResource> resources = new ArrayList<>();
        for (String topic : topics) {
            resources.add(new ConfigResource(ConfigResource.Type.TOPIC, topic));
        }
        Map<ConfigResource, Config> configs;
        try {
            configs = admin.describeConfigs(resources).all().get(adminTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // e.g. no DescribeConfigs permission: the producer's limit stands, and the relay dead-letters what the topic refuses
            LOG.info("Could not read the record size limits of topics {}: {}", topics,
                    e instanceof ExecutionException ? e.getCause().toString() : e.toString());
            return;
        }
        for (Map.Entry<ConfigResource, Config> topic : configs.entrySet()) {
            ConfigEntry limit = topic.getValue().get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (limit != null && limit.value() != null) {
                int topicLimit = Integer.parseInt(limit.value());
                if (topicLimit < maxRecordBytes) {
                    LOG.info("Topic {} accepts records of at most {} bytes (max.message.bytes)", topic.getKey().name(),
                            topicLimit);
                    maxRecordBytes = topicLimit;
                }
            }
        }
    }

    private void createTopics(Admin admin, List<String> topics) throws InterruptedException, TimeoutException {
        List<NewTopic> newTopics = new ArrayList<>();
        for (String topic : topics) {
            newTopics.add(new NewTopic(topic, newTopicPartitions, newTopicReplication));
        }
        try {
            admin.createTopics(newTopics).all().get(adminTimeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Created missing topics {} ({} partitions, replication {})", topics, newTopicPartitions,
                    newTopicReplication);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new DeliveryException("Could not create topics " + topics + ": " + e.getCause(), e.getCause());
            }
        }
    }

    @Override
    public CompletableFuture<Void> send(Envelope envelope) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(envelope.destination(), null,
                envelope.key() == null ? null : envelope.key().getBytes(StandardCharsets.UTF_8), envelope.payload());
        CloudEventHeaders.write(envelope, record.headers());
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    acknowledged.complete(null);
                } else {
                    acknowledged.completeExceptionally(KafkaErrors.deliveryFailure(
                            "Kafka did not acknowledge " + envelope, error));
                }
            });
        } catch (RuntimeException e) {
            acknowledged.completeExceptionally(KafkaErrors.deliveryFailure("Kafka refused " + envelope, e));
        }
        return acknowledged;
    }

    /**
     * The largest record this transport can deliver, in bytes: the producer's
     * {@code max.request.size}, lowered to the smallest {@code max.message.bytes} of the topics
     * checked by {@link #verifyDestinations}. Give publishers at most this much
     * ({@code PublishLimits.withMaxRecordBytes}); a larger record is dead-lettered by the relay.
     */
    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    /** Settings with the {@code DEFAULT_*} values; checked at {@link #build()}. */
    public static final class Builder {

        private final String bootstrapServers;
        private final Map<String, Object> commonConfig = new HashMap<>();
        private final Map<String, Object> producerOverrides = new HashMap<>();
        private Duration deliveryTimeout = DEFAULT_DELIVERY_TIMEOUT;
        private Duration adminTimeout = DEFAULT_ADMIN_TIMEOUT;
        private int lingerMs = DEFAULT_LINGER_MS;
        private boolean createMissingTopics;
        private int newTopicPartitions = 1;
        private short newTopicReplication = 1;

        private Builder(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
        }

        /** Client settings shared by the producer and the admin client (security, client id...). */
        public Builder clientConfig(Map<String, Object> config) {
            commonConfig.putAll(config);
            return this;
        }

        /** Producer settings applied last; acks and idempotence may be weakened here at your own risk. */
        public Builder producerConfig(Map<String, Object> config) {
            producerOverrides.putAll(config);
            return this;
        }

        /** Upper bound for one send, retries included (default 10 s); keep it below the relay's send timeout. */
        public Builder deliveryTimeout(Duration deliveryTimeout) {
            this.deliveryTimeout = deliveryTimeout;
            return this;
        }

        /** How long topic checks may take at start (default 15 s). */
        public Builder adminTimeout(Duration adminTimeout) {
            this.adminTimeout = adminTimeout;
            return this;
        }

        /** Producer batching delay in ms (default {@value KafkaTransport#DEFAULT_LINGER_MS}). */
        public Builder lingerMs(int lingerMs) {
            this.lingerMs = lingerMs;
            return this;
        }

        /** Create routed topics that are missing at start instead of failing. */
        public Builder createMissingTopics(int partitions, short replication) {
            this.createMissingTopics = true;
            this.newTopicPartitions = partitions;
            this.newTopicReplication = replication;
            return this;
        }

        public KafkaTransport build() {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("bootstrapServers must name at least one broker, e.g. localhost:9092");
            }
            if (deliveryTimeout == null || deliveryTimeout.toMillis() < 2000) {
                throw new IllegalArgumentException("deliveryTimeout must be at least 2 s, was " + deliveryTimeout);
            }
            if (adminTimeout == null || adminTimeout.toMillis() < 100) {
                throw new IllegalArgumentException("adminTimeout must be at least 100 ms, was " + adminTimeout);
            }
            if (lingerMs < 0 || lingerMs > 1000) {
                throw new IllegalArgumentException("lingerMs must be between 0 and 1000, was " + lingerMs);
            }
            if (newTopicPartitions < 1 || newTopicReplication < 1) {
                throw new IllegalArgumentException("new topics need at least 1 partition and replication 1");
            }
            Objects.requireNonNull(bootstrapServers);
            return new KafkaTransport(this);
        }
    }
}
