package dev.mailroom.kafka.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running in this JVM from
 * the Maven Central jars, bound to loopback, with its log in a folder of the caller's. For trying
 * Mailroom out and for tests only: one node, replication 1, no security, no tuning.
 *
 * <p>{@link #stop()} and {@link #start()} keep the ports and the data, so clients see an outage and
 * a recovery as with a real broker. Topics are never auto-created.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final String FORMATTED_MARKER = "meta.properties";

    private final Path logDir;
    private final int brokerPort;
    private final Properties config;
    private KafkaRaftServer server;

    private EmbeddedKafka(Path logDir, int brokerPort, int controllerPort) {
        this.logDir = logDir;
        this.brokerPort = brokerPort;
        this.config = config(logDir, brokerPort, controllerPort);
    }

    /**
     * A broker on {@code 127.0.0.1:brokerPort} (its controller on {@code controllerPort}) keeping its
     * log in {@code logDir}, which is formatted unless it already holds a broker's log. Not started.
     */
    public static EmbeddedKafka create(Path logDir, int brokerPort, int controllerPort) {
        EmbeddedKafka broker = new EmbeddedKafka(logDir, brokerPort, controllerPort);
        if (!Files.exists(logDir.resolve(FORMATTED_MARKER))) {
            broker.format();
        }
        return broker;
    }

    /** A loopback port nothing listens on now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    private static Properties config(Path logDir, int brokerPort, int controllerPort) {
        Properties properties = new Properties();
        properties.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controllerPort),
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("log.dirs", logDir.toString()),
                Map.entry("num.partitions", "1"),
                Map.entry("auto.create.topics.enable", "false"),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "4"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                Map.entry("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE)),
                Map.entry("controlled.shutdown.enable", "false")));
        return properties;
    }

    private void format() {
        try (PrintStream quiet = new PrintStream(OutputStream.nullOutputStream())) {
            new Formatter()
                    .setPrintStream(quiet)
                    .setNodeId(1)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("Could not format the Kafka log folder " + logDir, e);
        }
    }

    /** Starts the broker (a no-op when it runs); returns once it accepts clients. */
    public synchronized EmbeddedKafka start() {
        if (server == null) {
            server = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
            server.startup();
            awaitReady();
        }
        return this;
    }

    private void awaitReady() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.describeCluster().nodes().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Kafka broker on " + bootstrapServers() + " did not become ready", e);
        }
    }

    /** {@code 127.0.0.1:port} for clients. */
    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    public Path logDir() {
        return logDir;
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Stops the broker, keeping its ports and data. */
    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    /** Stops the broker; its log folder is the caller's to delete. */
    @Override
    public void close() {
        stop();
    }
}
