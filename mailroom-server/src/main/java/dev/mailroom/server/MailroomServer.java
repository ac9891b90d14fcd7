package dev.mailroom.server;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.mailroom.admin.MailroomAdmin;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.schema.SchemaMigrator;
import dev.mailroom.kafka.KafkaTransport;
import dev.mailroom.kafka.embedded.EmbeddedKafka;
import dev.mailroom.ledger.CompensationLedger;
import dev.mailroom.ledger.LedgerSchema;
import dev.mailroom.relay.Relay;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.routing.TableName;
import dev.mailroom.server.config.ServerConfig;
import dev.mailroom.server.http.AdminHttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone server: from a {@link ServerConfig} alone it opens the pool, migrates when asked,
 * starts one relay per service whose relay is enabled, and serves the admin HTTP API, health and
 * metrics. {@link #close()} stops the relays gracefully first (stop claiming, finish or release what
 * is in flight), then the HTTP server, then the Kafka producer, the pool and the embedded broker.
 */
public final class MailroomServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MailroomServer.class);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Map<String, Relay> relays = new LinkedHashMap<>();
    private AdminHttpServer http;
    private volatile MailroomAdmin admin;
    private volatile boolean closed;

    private MailroomServer() {
    }

    /** Starts everything the configuration names; on failure closes what was started and rethrows. */
    public static MailroomServer start(ServerConfig config) {
        MailroomServer server = new MailroomServer();
        try {
            server.startAll(config);
            return server;
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
    }

    private void startAll(ServerConfig config) {
        String bootstrapServers = config.kafka().bootstrapServers();
        if (config.kafka().embedded()) {
            bootstrapServers = startEmbeddedKafka(config.kafka().embeddedPort());
        }
        HikariDataSource pool = pool(config.database());
        resources.add(pool);
        SqlDialect dialect = SqlDialect.detect(pool);
        RouteRegistry routes = config.routes();
        if (config.database().migrate()) {
            migrate(pool, dialect, routes, config);
        }
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        resources.add(metrics::close);
        KafkaTransport transport = transport(config.kafka(), bootstrapServers);
        resources.add(transport);
        BrokerCheck broker = new BrokerCheck(bootstrapServers, config.kafka().client());
        resources.add(broker);
        for (ServerConfig.Service service : config.services().values()) {
            if (service.relay().enabled()) {
                Relay relay = RelayFactory.build(pool, dialect, routes, transport, metrics, service);
                relays.put(service.name(), relay);
                relay.start();
            }
        }
        admin = admin(pool, dialect, routes, config);
        http = AdminHttpServer.start(config.admin(), config.dashboard(), admin,
                new Readiness(pool, broker, relays.keySet(), this::relayRunning), metrics);
        LOG.info("Mailroom server ready: {} services ({} relays), database {}, Kafka {}, API on {} (writes {})",
                config.services().size(), relays.size(), dialect.name(), bootstrapServers, http.uri(),
                config.admin().writesEnabled() ? "enabled" : "disabled");
    }

    private String startEmbeddedKafka(int port) {
        Path logDir;
        try {
            logDir = Files.createTempDirectory("mailroom-embedded-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a folder for the embedded Kafka broker", e);
        }
        LOG.warn("**********************************************************************************");
        LOG.warn("kafka.embedded is true: starting an IN-PROCESS Kafka broker on 127.0.0.1:{} with its data in {}", port,
                logDir);
        LOG.warn("It is FOR TRYING MAILROOM OUT ONLY: one node, no replication, data deleted at exit. NEVER IN PRODUCTION.");
        LOG.warn("**********************************************************************************");
        EmbeddedKafka broker = EmbeddedKafka.create(logDir, port, EmbeddedKafka.freePort()).start();
        resources.add(() -> {
            broker.close();
            deleteRecursively(logDir);
        });
        return broker.bootstrapServers();
    }

    private static HikariDataSource pool(ServerConfig.Database database) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("mailroom");
        hikari.setJdbcUrl(database.url());
        hikari.setUsername(database.user());
        hikari.setPassword(database.password());
        hikari.setMaximumPoolSize(database.poolSize());
        hikari.setConnectionTimeout(10_000);
        return new HikariDataSource(hikari);
    }

    private static void migrate(HikariDataSource pool, SqlDialect dialect, RouteRegistry routes, ServerConfig config) {
        SchemaMigrator migrator = new SchemaMigrator(pool, dialect);
        migrator.migrate(routes);
        config.inboxes().values().forEach(table -> {
            TableName name = TableName.of(table);
            migrator.migrateInbox(name, "mailroom_" + name.name());
        });
        if (config.ledger().enabled()) {
            LedgerSchema.migrate(pool, dialect, config.ledger().table());
        }
        LOG.info("Migrations applied (database.migrate is true)");
    }

    private static KafkaTransport transport(ServerConfig.Kafka kafka, String bootstrapServers) {
        KafkaTransport.Builder transport = KafkaTransport.builder(bootstrapServers)
                .clientConfig(kafka.client())
                .producerConfig(kafka.producer());
        if (kafka.createMissingTopics() || kafka.embedded()) {
            transport.createMissingTopics(kafka.topicPartitions(), kafka.topicReplication());
        }
        return transport.build();
    }

    private static MailroomAdmin admin(HikariDataSource pool, SqlDialect dialect, RouteRegistry routes,
                                       ServerConfig config) {
        MailroomAdmin.Builder admin = MailroomAdmin.builder(pool, routes).dialect(dialect)
                .writesEnabled(config.admin().writesEnabled())
                .relayExpiry(config.admin().relayExpiry());
        config.inboxes().forEach(admin::inbox);
        if (config.ledger().enabled()) {
            admin.ledger(CompensationLedger.builder(pool).dialect(dialect).table(config.ledger().table()).build());
        }
        return admin.build();
    }

    /**
     * Started and not closed, and its heartbeat (when it has recorded one) is fresh: a relay whose
     * loop stopped beating shows as down after {@code admin.relay-expiry}.
     */
    private boolean relayRunning(String service) {
        Relay relay = relays.get(service);
        MailroomAdmin operations = admin;
        if (closed || relay == null || operations == null) {
            return false;
        }
        return operations.relays().stream().filter(instance -> instance.instanceId().equals(relay.owner()))
                .allMatch(instance -> instance.alive(operations.relayExpiry()));
    }

    /** Where the HTTP API listens. */
    public java.net.URI uri() {
        return http.uri();
    }

    /** Where the dashboard's first page is, when {@code dashboard.enabled}. */
    public java.util.Optional<java.net.URI> dashboardUri() {
        return http.dashboardUri();
    }

    /**
     * Stops the relays (each gracefully, within its shutdown timeout), then the HTTP server, then
     * the rest in the reverse order of their start. Safe to call twice.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("Mailroom server stopping: relays first, then the HTTP API, then the pool");
        relays.values().forEach(relay -> {
            try {
                relay.close();
            } catch (RuntimeException e) {
                LOG.warn("Relay {} did not close cleanly: {}", relay.owner(), e.toString());
            }
        });
        if (http != null) {
            http.close();
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.warn("Could not close {}: {}", resources.get(i), e.toString());
            }
        }
        LOG.info("Mailroom server stopped");
    }

    private static void deleteRecursively(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", folder, e.toString());
        }
    }
}
