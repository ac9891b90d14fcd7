package dev.mailroom.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailroom.relay.ClaimMode;
import dev.mailroom.relay.Relay;
import dev.mailroom.routing.PoisonPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {

    static final String TOKEN = "0123456789abcdef0123456789abcdef";
    static final String MINIMAL = """
            database: {url: "jdbc:postgresql://127.0.0.1:5432/test"}
            kafka: {bootstrap-servers: "127.0.0.1:9092"}
            services:
              orders:
                table: orders_outbox
                topic: orders.events
                events: {order.placed: {}}
            """;

    private static ServerConfig read(String yaml, Map<String, String> environment) {
        try {
            ObjectNode root = (ObjectNode) ConfigLoader.YAML.readTree(yaml);
            return ConfigLoader.read(root, environment);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ServerConfig read(String yaml) {
        return read(yaml, Map.of("MAILROOM_ADMIN_TOKEN", TOKEN));
    }

    @Test
    void theDashboardIsServedOnTheApisPortOrOnAPortOfItsOwnAtLoopbackByDefault() {
        ServerConfig shared = read(MINIMAL + "dashboard: {enabled: true, session-timeout: 2h}\n");
        assertThat(shared.dashboard().enabled()).isTrue();
        assertThat(shared.dashboard().ownPort()).isFalse();
        assertThat(shared.dashboard().sessionTimeout()).isEqualTo(Duration.ofHours(2));
        ServerConfig own = read(MINIMAL + "dashboard: {enabled: true, port: 9091}\n", Map.of("MAILROOM_ADMIN_TOKEN", TOKEN,
                "MAILROOM_DASHBOARD_PORT", "9092"));
        assertThat(own.dashboard().port()).isEqualTo(9092);
        assertThat(own.dashboard().bind()).isEqualTo("127.0.0.1");
    }

    @Test
    void defaultsAreTheLibrariesDefaultsAndAReadOnlyLoopbackApi() {
        ServerConfig config = read(MINIMAL);
        ServerConfig.Relay relay = config.services().get("orders").relay();
        assertThat(relay.enabled()).isTrue();
        assertThat(relay.claimMode()).isEqualTo(ClaimMode.ROW_LOCK);
        assertThat(relay.batchSize()).isEqualTo(Relay.DEFAULT_BATCH_SIZE);
        assertThat(relay.lease()).isEqualTo(Relay.DEFAULT_LEASE);
        assertThat(relay.sendTimeout()).isEqualTo(Relay.DEFAULT_SEND_TIMEOUT);
        assertThat(relay.pollMin()).isEqualTo(Relay.DEFAULT_MIN_POLL);
        assertThat(relay.pollMax()).isEqualTo(Relay.DEFAULT_MAX_POLL);
        assertThat(relay.orderByKey()).isTrue();
        assertThat(relay.deletePublished()).isFalse();
        assertThat(relay.retention()).isNull();
        assertThat(relay.retentionInterval()).isEqualTo(Relay.DEFAULT_RETENTION_INTERVAL);
        assertThat(config.admin().bind()).isEqualTo("127.0.0.1");
        assertThat(config.admin().port()).isEqualTo(8080);
        assertThat(config.admin().writesEnabled()).isFalse();
        assertThat(config.admin().maxRequestBytes()).isEqualTo(1024 * 1024);
        assertThat(config.admin().relayExpiry()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.admin().toString()).doesNotContain(TOKEN);
        assertThat(config.database().migrate()).isFalse();
        assertThat(config.database().poolSize()).isEqualTo(8);
        assertThat(config.kafka().embedded()).isFalse();
        assertThat(config.kafka().createMissingTopics()).isFalse();
        assertThat(config.ledger().enabled()).isFalse();
        assertThat(config.dashboard().enabled()).as("the dashboard is off unless enabled").isFalse();
        assertThat(config.dashboard().ownPort()).isFalse();
        assertThat(config.dashboard().sessionTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(config.services().get("orders").poisonPolicy()).isEqualTo(PoisonPolicy.CONTINUE);
        assertThat(config.routes().route("order.placed").topic()).isEqualTo("orders.events");
    }

    @Test
    void environmentVariablesOverrideAnyKeyByItsPathInUpperSnakeCase() {
        String yaml = MINIMAL + """
                    relay: {batch-size: 100}
                    events:
                      order.placed: {}
                      order.paid: {topic: payments}
                """;
        yaml = yaml.replace("    events: {order.placed: {}}\n", "");
        Map<String, String> environment = new HashMap<>(Map.of(
                "MAILROOM_ADMIN_TOKEN", TOKEN,
                "MAILROOM_ADMIN_PORT", "9090",
                "MAILROOM_DATABASE_URL", "jdbc:mariadb://db:3306/app",
                "MAILROOM_DATABASE_PASSWORD", " secret with spaces ",
                "MAILROOM_SERVICES_ORDERS_RELAY_BATCH_SIZE", "250",
                "MAILROOM_SERVICES_ORDERS_RELAY_CLAIM_MODE", "lease",
                "MAILROOM_SERVICES_ORDERS_EVENTS_ORDER_PAID_POISON_POLICY", "HOLD_KEY",
                "MAILROOM_KAFKA_PRODUCER_LINGER_MS", "7",
                "MAILROOM_SERVICES_ORDERS_RELAY_RETRY_MAX_DELAY", "1m",
                "MAILROOM_SERVICES_ORDERS_RELAY_RETENTION", "7d"));
        environment.put("MAILROOM_PG_URL", "ignored: not a section of the server's configuration");
        environment.put("MAILROOM_DEMO_ORDERS", "10");
        ServerConfig config = read(yaml, environment);
        assertThat(config.admin().port()).isEqualTo(9090);
        assertThat(config.database().url()).isEqualTo("jdbc:mariadb://db:3306/app");
        assertThat(config.database().password()).isEqualTo(" secret with spaces ");
        assertThat(config.services().get("orders").relay().batchSize()).isEqualTo(250);
        assertThat(config.services().get("orders").relay().claimMode()).isEqualTo(ClaimMode.LEASE);
        assertThat(config.services().get("orders").relay().retry().maxDelay()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.services().get("orders").events().get("order.paid"))
                .isEqualTo(new ServerConfig.Event("payments", PoisonPolicy.HOLD_KEY));
        assertThat(config.routes().keyHoldingTypesOf("orders")).containsExactly("order.paid");
        assertThat(config.kafka().producer()).containsEntry("linger.ms", "7");
        assertThat(config.services().get("orders").relay().retention()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void environmentAddsAServiceTheFileLacks() {
        ServerConfig config = read(MINIMAL, Map.of("MAILROOM_ADMIN_TOKEN", TOKEN,
                "MAILROOM_SERVICES_BILLING_TABLE", "billing_outbox",
                "MAILROOM_SERVICES_BILLING_TOPIC", "billing.events",
                "MAILROOM_SERVICES_BILLING_EVENTS_INVOICE_TOPIC", "invoices"));
        assertThat(config.services()).containsKeys("orders", "billing");
        assertThat(config.routes().route("invoice").topic()).isEqualTo("invoices");
    }

    @Test
    void tokenIsReadFromAFile(@TempDir Path folder) throws IOException {
        Path file = folder.resolve("token");
        Files.writeString(file, TOKEN + "\n");
        ServerConfig config = read(MINIMAL + "admin: {token-file: " + file + "}\n", Map.of());
        assertThat(config.admin().token()).isEqualTo(TOKEN);
    }

    @Test
    void durationsTakeTheirUnits() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(Durations.parse("7")).isNull();
        assertThat(Durations.parse("-1s")).isNull();
    }

    static Stream<Arguments> badValues() {
        String relay = MINIMAL + "    relay:\n      ";
        return Stream.of(
                Arguments.of(MINIMAL.replace("database: {url: \"jdbc:postgresql://127.0.0.1:5432/test\"}", ""),
                        "database.url", "is required"),
                Arguments.of(MINIMAL.replace("jdbc:postgresql:", "jdbc:oracle:"), "database.url", "jdbc:postgresql:"),
                Arguments.of(MINIMAL.replace("5432/test\"}", "5432/test\", pool-size: 3}"), "database.pool-size",
                        "at least 4"),
                Arguments.of(MINIMAL.replace("kafka: {bootstrap-servers: \"127.0.0.1:9092\"}", ""),
                        "kafka.bootstrap-servers", "is required"),
                Arguments.of(MINIMAL.replace("kafka: {bootstrap-servers: \"127.0.0.1:9092\"}",
                        "kafka: {bootstrap-servers: \"h:1\", embedded: true}"), "kafka.bootstrap-servers", "not both"),
                Arguments.of(MINIMAL.replace("kafka: {", "kafka: {embedded: yes-please, "), "kafka.embedded", "true or false"),
                Arguments.of(MINIMAL.replace("kafka: {", "kafka: {producer: {bootstrap.servers: x}, "),
                        "kafka.producer.bootstrap.servers", "kafka.bootstrap-servers"),
                Arguments.of(MINIMAL.replace("table: orders_outbox", "table: \"orders; DROP TABLE x\""),
                        "services.orders.table", "Table name"),
                Arguments.of(MINIMAL.replace("topic: orders.events", "topic: \"bad topic!\""), "services.orders", "Topic"),
                Arguments.of(MINIMAL.replace("    events: {order.placed: {}}\n", ""), "services.orders.events", "at least one"),
                Arguments.of(MINIMAL + "    poison-policy: FREEZE\n", "services.orders.poison-policy", "CONTINUE, HOLD_KEY"),
                Arguments.of(MINIMAL.replace("  orders:", "  \"or ders\":"), "services.or ders", "letters, digits"),
                Arguments.of(relay + "batch-size: 0\n", "services.orders.relay.batch-size", "from 1 to 10000"),
                Arguments.of(relay + "batch-size: many\n", "services.orders.relay.batch-size", "whole number"),
                Arguments.of(relay + "claim-mode: OPTIMISTIC\n", "services.orders.relay.claim-mode", "ROW_LOCK, LEASE"),
                Arguments.of(relay + "lease: 30\n", "services.orders.relay.lease", "unit ms, s, m, h or d"),
                Arguments.of(relay + "lease: 10s\n      send-timeout: 10s\n", "services.orders.relay.send-timeout",
                        "shorter than services.orders.relay.lease"),
                Arguments.of(relay + "poll-min: 1s\n      poll-max: 10ms\n", "services.orders.relay.poll-max", "poll-min"),
                Arguments.of(relay + "order-by-key: maybe\n", "services.orders.relay.order-by-key", "true or false"),
                Arguments.of(relay.replace("    relay:", "    poison-policy: HOLD_KEY\n    relay:") + "order-by-key: false\n",
                        "services.orders.relay.order-by-key", "needs key-ordered claims"),
                Arguments.of(relay + "retention: forever\n", "services.orders.relay.retention", "unit"),
                Arguments.of(relay + "retry: {jitter: 2}\n", "services.orders.relay.retry.jitter", "from 0.0 to 1.0"),
                Arguments.of(relay + "retry: {initial-delay: 10s, max-delay: 1s}\n", "services.orders.relay.retry.max-delay",
                        "at least"),
                Arguments.of(relay + "retry: {max-attempts: 5}\n", "services.orders.relay.retry.max-attempts",
                        "unknown setting"),
                Arguments.of(relay + "batchsize: 5\n", "services.orders.relay.batchsize", "batch-size"),
                Arguments.of(MINIMAL + "inboxes: {notifications: {}}\n", "inboxes.notifications.table", "is required"),
                Arguments.of(MINIMAL + "ledger: {enabled: 1}\n", "ledger.enabled", "true or false"),
                Arguments.of(MINIMAL + "admin: {port: 70000}\n", "admin.port", "from 0 to 65535"),
                Arguments.of(MINIMAL + "admin: {bind: \"127.0.0.1; rm -rf\"}\n", "admin.bind", "IP address"),
                Arguments.of(MINIMAL + "admin: {max-request-bytes: 10}\n", "admin.max-request-bytes", "from 1024"),
                Arguments.of(MINIMAL + "admin: {relay-expiry: 0s}\n", "admin.relay-expiry", "at least 1s"),
                Arguments.of(MINIMAL + "admin: {writes-enabled: \"on\"}\n", "admin.writes-enabled", "true or false"),
                Arguments.of(MINIMAL + "admin: {token-file: /no/such/file}\n", "admin.token-file", "not both"),
                Arguments.of(MINIMAL + "dashboard: {enabled: yes please}\n", "dashboard.enabled", "true or false"),
                Arguments.of(MINIMAL + "dashboard: {port: 70000}\n", "dashboard.port", "from 0 to 65535"),
                Arguments.of(MINIMAL + "dashboard: {bind: 0.0.0.0}\n", "dashboard.bind", "set dashboard.port too"),
                Arguments.of(MINIMAL + "dashboard: {port: 9091, bind: \"x y\"}\n", "dashboard.bind", "IP address"),
                Arguments.of(MINIMAL + "dashboard: {session-timeout: 10s}\n", "dashboard.session-timeout", "at least"),
                Arguments.of(MINIMAL + "dashboard: {colour: blue}\n", "dashboard.colour", "unknown setting"),
                Arguments.of(MINIMAL + "metrics: {}\n", "metrics", "unknown setting"),
                Arguments.of(MINIMAL + "services: [orders]\n".replace("services", "inboxes"), "inboxes", "mapping"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badValues")
    void everyBadValueIsRefusedNamingItsKey(String yaml, String key, String allowed) {
        assertThatThrownBy(() -> read(yaml))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key))
                .hasMessageContaining(allowed);
    }

    @Test
    void aMissingOrShortTokenIsRefused() {
        assertThatThrownBy(() -> read(MINIMAL, Map.of()))
                .hasMessageStartingWith("admin.token: is required: export MAILROOM_ADMIN_TOKEN");
        assertThatThrownBy(() -> read(MINIMAL, Map.of("MAILROOM_ADMIN_TOKEN", "short")))
                .hasMessage("admin.token: must be at least 32 characters, was 5");
        assertThatThrownBy(() -> read(MINIMAL, Map.of("MAILROOM_ADMIN_TOKEN", TOKEN.replace('a', ' '))))
                .hasMessageContaining("printable ASCII");
        assertThatThrownBy(() -> read(MINIMAL + "admin: {token-file: /no/such/file}\n", Map.of()))
                .hasMessageStartingWith("admin.token-file: cannot read /no/such/file");
    }

    @Test
    void anEnvironmentVariableThatNamesNoKeyIsRefused() {
        assertThatThrownBy(() -> read(MINIMAL, Map.of("MAILROOM_ADMIN_TOKEN", TOKEN, "MAILROOM_ADMIN_PORTT", "1")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("MAILROOM_ADMIN_PORTT"));
        assertThatThrownBy(() -> read(MINIMAL, Map.of("MAILROOM_ADMIN_TOKEN", TOKEN,
                "MAILROOM_SERVICES_ORDERS_RELAY_BATCH_SIZE", "-5")))
                .hasMessage("services.orders.relay.batch-size: must be from 1 to 10000, was -5");
    }

    @Test
    void aKeyGivenTwiceIsRefused(@TempDir Path folder) throws IOException {
        Path file = folder.resolve("server.yaml");
        Files.writeString(file, MINIMAL + "admin: {port: 1}\nadmin: {port: 2}\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of("MAILROOM_ADMIN_TOKEN", TOKEN)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("Duplicate field 'admin'");
    }

    @Test
    void twoServicesOnOneTableAreRefused() {
        String yaml = MINIMAL + """
                  billing:
                    table: orders_outbox
                    topic: billing.events
                    events: {invoice.sent: {}}
                """;
        assertThatThrownBy(() -> read(yaml)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("both use table orders_outbox");
    }
}
