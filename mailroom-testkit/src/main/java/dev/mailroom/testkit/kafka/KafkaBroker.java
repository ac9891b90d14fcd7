package dev.mailroom.testkit.kafka;

import dev.mailroom.kafka.embedded.EmbeddedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running in this JVM
 * ({@link EmbeddedKafka}), bound to loopback on free ports, with its log in a temporary folder.
 * Starting takes a few seconds; share one per test run ({@link KafkaBrokerExtension}).
 *
 * <p>{@link #stop()} and {@link #restart()} keep the ports and the data, so clients see a broker
 * outage and recovery exactly as with a real one. Topics are never auto-created: tests create them.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final EmbeddedKafka broker;

    private KafkaBroker(EmbeddedKafka broker) {
        this.broker = broker;
    }

    /** Formats a fresh log folder and starts the broker; returns once it accepts clients. */
    public static KafkaBroker start() {
        try {
            Path logDir = Files.createTempDirectory("mailroom-kafka-");
            return new KafkaBroker(EmbeddedKafka.create(logDir, EmbeddedKafka.freePort(), EmbeddedKafka.freePort())
                    .start());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare the Kafka log folder", e);
        }
    }

    /** {@code host:port} for clients. */
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** Creates a topic (a no-op when it exists) and waits until it is usable. */
    public void createTopic(String name, int partitions) {
        try (Admin admin = admin()) {
            try {
                admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all()
                        .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            awaitLeaders(admin, name);
        } catch (Exception e) {
            throw new IllegalStateException("Could not create topic " + name, e);
        }
    }

    /** Metadata reaches the broker shortly after the controller created the topic: wait for every leader. */
    private static void awaitLeaders(Admin admin, String name) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        while (true) {
            try {
                TopicDescription description = admin.describeTopics(Set.of(name)).allTopicNames()
                        .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(name);
                if (description.partitions().stream().allMatch(partition -> partition.leader() != null)) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("Could not describe topic " + name, e.getCause());
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("Topic " + name + " has no leader after " + ADMIN_TIMEOUT);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /** Settings for a client of this broker; add serializers, group id and the like. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> client = new HashMap<>();
        client.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return client;
    }

    public Admin admin() {
        return Admin.create(clientConfig());
    }

    public boolean isRunning() {
        return broker.isRunning();
    }

    /** Stops the broker, keeping its ports and data; clients see it as down. */
    public void stop() {
        broker.stop();
    }

    /** Starts a stopped broker again on the same ports with the same data. */
    public void restart() {
        broker.start();
    }

    /** Stops the broker and deletes its log folder. */
    @Override
    public void close() {
        broker.close();
        deleteRecursively(broker.logDir());
    }

    public Path logDir() {
        return broker.logDir();
    }

    private static void deleteRecursively(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + folder, e);
        }
    }
}
