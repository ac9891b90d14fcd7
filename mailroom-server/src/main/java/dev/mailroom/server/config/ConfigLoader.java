package dev.mailroom.server.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mailroom.MailroomException;
import dev.mailroom.admin.MailroomAdmin;
import dev.mailroom.ledger.CompensationLedger;
import dev.mailroom.relay.ClaimMode;
import dev.mailroom.relay.Relay;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.routing.PoisonPolicy;
import dev.mailroom.routing.TableName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads the YAML file, applies the environment's overrides ({@link EnvOverrides}) and checks every
 * value, refusing the first bad one with a {@link ConfigException} that names its key and what is
 * allowed. Nothing here connects to anything.
 */
public final class ConfigLoader {

    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final int DEFAULT_EMBEDDED_PORT = 9092;
    public static final int DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;
    public static final int MIN_TOKEN_LENGTH = 32;
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofMinutes(30);
    /** Connections one relay may hold: two batches in flight and its {@code LISTEN} connection. */
    static final int CONNECTIONS_PER_RELAY = 3;

    /** YAML with duplicate keys refused: a key given twice is a mistake, not an override. */
    static final YAMLMapper YAML = YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]+");
    private static final Duration MIN_DURATION = Duration.ofMillis(1);

    private ConfigLoader() {
    }

    /** The configuration in {@code file} with the environment's overrides. */
    public static ServerConfig load(Path file, Map<String, String> environment) {
        JsonNode parsed;
        try {
            parsed = YAML.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new ConfigException("--config", "no such file " + file);
        } catch (JacksonException e) {
            throw new ConfigException(file.toString(), "is not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        } catch (IOException e) {
            throw new ConfigException("--config", "cannot read " + file + ": " + e.getMessage());
        }
        if (parsed != null && !parsed.isNull() && !parsed.isMissingNode() && !parsed.isObject()) {
            throw new ConfigException(file.toString(), "must be a mapping of sections (database:, kafka:, services:, admin:)");
        }
        ObjectNode root = parsed instanceof ObjectNode object ? object : YAML.createObjectNode();
        return read(root, environment);
    }

    /** The configuration in {@code root} (changed in place by the overrides). */
    static ServerConfig read(ObjectNode root, Map<String, String> environment) {
        EnvOverrides.apply(root, environment);
        ConfigSchema.check(root, ConfigSchema.ROOT, "");
        Settings settings = new Settings(root, "");
        Map<String, ServerConfig.Service> services = services(settings);
        long relays = services.values().stream().filter(service -> service.relay().enabled()).count();
        ServerConfig config = new ServerConfig(database(settings.section("database"), relays), kafka(settings.section("kafka")),
                services, inboxes(settings), ledger(settings.section("ledger")), admin(settings.section("admin")),
                dashboard(settings.section("dashboard")));
        try {
            config.routes();
        } catch (MailroomException e) {
            throw new ConfigException("services", e.getMessage());
        }
        return config;
    }

    private static ServerConfig.Database database(Settings database, long relays) {
        String url = database.requiredText("url", "the JDBC URL, jdbc:postgresql://host:5432/db or jdbc:mariadb://host:3306/db");
        if (!url.startsWith("jdbc:postgresql:") && !url.startsWith("jdbc:mariadb:")) {
            throw new ConfigException(database.key("url"), "must start with jdbc:postgresql: or jdbc:mariadb:, was '"
                    + url.replaceAll("(?i)password=[^&;]*", "password=...") + "'");
        }
        int least = (int) relays * CONNECTIONS_PER_RELAY + 1;
        int poolSize = database.integer("pool-size", Math.max(4, (int) relays * 4 + 4), 2, 500);
        if (poolSize < least) {
            throw new ConfigException(database.key("pool-size"), "must be at least " + least + " for " + relays
                    + " relays (each holds up to " + CONNECTIONS_PER_RELAY
                    + " connections: two batches in flight and its LISTEN connection), was " + poolSize);
        }
        return new ServerConfig.Database(url, database.text("user", null), database.rawText("password", null),
                poolSize, database.bool("migrate", false));
    }

    private static ServerConfig.Kafka kafka(Settings kafka) {
        boolean embedded = kafka.bool("embedded", false);
        String servers = kafka.text("bootstrap-servers", null);
        if (embedded && servers != null) {
            throw new ConfigException(kafka.key("bootstrap-servers"), "set either it or kafka.embedded: true, not both");
        }
        if (!embedded && servers == null) {
            throw new ConfigException(kafka.key("bootstrap-servers"), "is required: host:port[,host:port...] of the"
                    + " brokers (or kafka.embedded: true, an in-process broker for trying out only)");
        }
        Map<String, Object> client = kafka.properties("client");
        Map<String, Object> producer = kafka.properties("producer");
        for (String key : new String[] {"bootstrap.servers"}) {
            if (client.containsKey(key) || producer.containsKey(key)) {
                throw new ConfigException(kafka.key(client.containsKey(key) ? "client" : "producer") + "." + key,
                        "set kafka.bootstrap-servers instead");
            }
        }
        return new ServerConfig.Kafka(servers, embedded, kafka.integer("embedded-port", DEFAULT_EMBEDDED_PORT, 1, 65_535),
                kafka.bool("create-missing-topics", embedded), kafka.integer("topic-partitions", 1, 1, 10_000),
                (short) kafka.integer("topic-replication", 1, 1, Short.MAX_VALUE), client, producer);
    }

    private static Map<String, ServerConfig.Service> services(Settings root) {
        Map<String, Settings> named = root.named("services");
        if (named.isEmpty()) {
            throw new ConfigException("services", "name at least one service (services: {orders: {table: orders_outbox,"
                    + " topic: orders.events, events: {order.placed: {}}}})");
        }
        Map<String, ServerConfig.Service> services = new LinkedHashMap<>();
        named.forEach((name, service) -> services.put(name, service(name, service)));
        return services;
    }

    private static ServerConfig.Service service(String name, Settings service) {
        requireName(service.path(), name);
        String table = service.requiredText("table", "the service's outbox table, such as " + name + "_outbox");
        checked(service.key("table"), () -> TableName.of(table));
        String topic = service.requiredText("topic", "the Kafka topic of its events, such as " + name + ".events");
        Map<String, ServerConfig.Event> events = new LinkedHashMap<>();
        service.named("events").forEach((type, event) -> {
            events.put(type, new ServerConfig.Event(event.text("topic", null),
                    event.choice("poison-policy", PoisonPolicy.class, null)));
        });
        if (events.isEmpty()) {
            throw new ConfigException(service.key("events"), "name at least one event type (events: {order.placed: {}})");
        }
        ServerConfig.Service parsed = new ServerConfig.Service(name, table, topic, service.text("consumer-group", null),
                service.choice("poison-policy", PoisonPolicy.class, PoisonPolicy.CONTINUE), events,
                relay(service.section("relay")));
        checked(service.path(), () -> ServerConfig.routesOf(List.of(parsed)));
        Set<String> holding = ServerConfig.routesOf(List.of(parsed)).keyHoldingTypesOf(name);
        if (parsed.relay().enabled() && !parsed.relay().orderByKey() && !holding.isEmpty()) {
            throw new ConfigException(service.key("relay") + ".order-by-key", "must be true while event types "
                    + new TreeSet<>(holding) + " have poison-policy HOLD_KEY (a held key needs key-ordered claims)");
        }
        return parsed;
    }

    private static ServerConfig.Relay relay(Settings relay) {
        Duration lease = relay.duration("lease", Relay.DEFAULT_LEASE, Duration.ofSeconds(1));
        Duration sendTimeout = relay.duration("send-timeout", Relay.DEFAULT_SEND_TIMEOUT, Duration.ofMillis(100));
        if (sendTimeout.compareTo(lease) >= 0) {
            throw new ConfigException(relay.key("send-timeout"), "must be shorter than " + relay.key("lease") + " ("
                    + Durations.format(lease) + "), or leases would expire while sends are in flight; was "
                    + Durations.format(sendTimeout));
        }
        Duration pollMin = relay.duration("poll-min", Relay.DEFAULT_MIN_POLL, MIN_DURATION);
        Duration pollMax = relay.duration("poll-max", Relay.DEFAULT_MAX_POLL, MIN_DURATION);
        if (pollMax.compareTo(pollMin) < 0) {
            throw new ConfigException(relay.key("poll-max"), "must not be shorter than " + relay.key("poll-min") + " ("
                    + Durations.format(pollMin) + "), was " + Durations.format(pollMax));
        }
        return new ServerConfig.Relay(relay.bool("enabled", true),
                relay.choice("claim-mode", ClaimMode.class, ClaimMode.ROW_LOCK),
                relay.integer("batch-size", Relay.DEFAULT_BATCH_SIZE, 1, 10_000), lease, sendTimeout,
                relay.duration("fallback-poll", Relay.DEFAULT_FALLBACK_POLL, MIN_DURATION),
                relay.duration("reap-interval", Relay.DEFAULT_REAP_INTERVAL, MIN_DURATION),
                relay.duration("shutdown-timeout", Relay.DEFAULT_SHUTDOWN_TIMEOUT, MIN_DURATION),
                relay.bool("order-by-key", true), relay.bool("delete-published", false), pollMin, pollMax,
                retry(relay.section("retry")), relay.duration("retention", null, Duration.ofSeconds(1)),
                relay.duration("retention-interval", Relay.DEFAULT_RETENTION_INTERVAL, Duration.ofSeconds(1)));
    }

    private static RetryPolicy retry(Settings retry) {
        Duration initial = retry.duration("initial-delay", RetryPolicy.DEFAULT_INITIAL_DELAY, MIN_DURATION);
        Duration max = retry.duration("max-delay", RetryPolicy.DEFAULT_MAX_DELAY, MIN_DURATION);
        if (max.compareTo(initial) < 0) {
            throw new ConfigException(retry.key("max-delay"), "must be at least " + retry.key("initial-delay") + " ("
                    + Durations.format(initial) + "), was " + Durations.format(max));
        }
        return RetryPolicy.builder().initialDelay(initial).maxDelay(max)
                .jitter(retry.decimal("jitter", RetryPolicy.DEFAULT_JITTER, 0, 1)).build();
    }

    private static Map<String, String> inboxes(Settings root) {
        Map<String, String> inboxes = new LinkedHashMap<>();
        root.named("inboxes").forEach((group, inbox) -> {
            requireName(inbox.path(), group);
            String table = inbox.requiredText("table", "the consumer group's inbox table, such as " + group + "_inbox");
            checked(inbox.key("table"), () -> TableName.of(table));
            inboxes.put(group, table);
        });
        return inboxes;
    }

    private static ServerConfig.Ledger ledger(Settings ledger) {
        String table = ledger.text("table", CompensationLedger.DEFAULT_TABLE);
        checked(ledger.key("table"), () -> TableName.of(table));
        return new ServerConfig.Ledger(ledger.bool("enabled", false), table);
    }

    private static ServerConfig.Admin admin(Settings admin) {
        String bind = admin.text("bind", DEFAULT_BIND);
        requireBind(admin.key("bind"), bind);
        return new ServerConfig.Admin(bind, admin.integer("port", DEFAULT_PORT, 0, 65_535), token(admin),
                admin.bool("writes-enabled", false),
                admin.duration("relay-expiry", MailroomAdmin.DEFAULT_RELAY_EXPIRY, Duration.ofSeconds(1)),
                admin.integer("max-request-bytes", DEFAULT_MAX_REQUEST_BYTES, 1024, 64 * 1024 * 1024));
    }

    private static ServerConfig.Dashboard dashboard(Settings dashboard) {
        String bind = dashboard.text("bind", DEFAULT_BIND);
        requireBind(dashboard.key("bind"), bind);
        Integer port = dashboard.has("port") ? dashboard.integer("port", 0, 0, 65_535) : null;
        if (port == null && dashboard.has("bind")) {
            throw new ConfigException(dashboard.key("bind"), "applies to a port of the dashboard's own: set"
                    + " dashboard.port too, or leave both out to serve it on the API's port (admin.bind)");
        }
        return new ServerConfig.Dashboard(dashboard.bool("enabled", false), bind, port,
                dashboard.duration("session-timeout", DEFAULT_SESSION_TIMEOUT, Duration.ofMinutes(1)));
    }

    private static void requireBind(String key, String bind) {
        if (!bind.matches("[A-Za-z0-9.:\\-\\[\\]]+")) {
            throw new ConfigException(key, "must be an IP address or host name, such as 127.0.0.1 or"
                    + " 0.0.0.0, was '" + bind + "'");
        }
    }

    private static String token(Settings admin) {
        String inline = admin.has("token") ? admin.rawText("token", null).strip() : null;
        String fileName = admin.text("token-file", null);
        if (inline != null && fileName != null) {
            throw new ConfigException(admin.key("token-file"), "set either it or admin.token (MAILROOM_ADMIN_TOKEN), not both");
        }
        String key = fileName != null ? admin.key("token-file") : admin.key("token");
        String token = inline;
        if (fileName != null) {
            try {
                token = Files.readString(Path.of(fileName), StandardCharsets.UTF_8).strip();
            } catch (IOException | RuntimeException e) {
                throw new ConfigException(key, "cannot read " + fileName + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        if (token == null || token.isEmpty()) {
            throw new ConfigException(admin.key("token"), "is required: export MAILROOM_ADMIN_TOKEN (at least "
                    + MIN_TOKEN_LENGTH + " characters, e.g. from openssl rand -hex 32) or set admin.token-file");
        }
        if (token.length() < MIN_TOKEN_LENGTH) {
            throw new ConfigException(key, "must be at least " + MIN_TOKEN_LENGTH + " characters, was " + token.length());
        }
        if (!TOKEN.matcher(token).matches()) {
            throw new ConfigException(key, "must be printable ASCII without spaces");
        }
        return token;
    }

    private static void requireName(String key, String name) {
        if (!NAME.matcher(name).matches()) {
            throw new ConfigException(key, "a name of letters, digits, '.', '_' or '-' (at most 100, starting with a"
                    + " letter or digit)");
        }
    }

    private static void checked(String key, Runnable check) {
        try {
            check.run();
        } catch (MailroomException e) {
            throw new ConfigException(key, e.getMessage());
        }
    }
}
