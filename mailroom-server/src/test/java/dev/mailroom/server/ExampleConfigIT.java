package dev.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mailroom.kafka.embedded.EmbeddedKafka;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Standalone server" walk-through: examples/server.yaml as shipped (embedded broker,
 * migrations on), only the port, the broker port and the schema moved aside so the test runs beside
 * anything else on this machine; and a bad value stops the jar with exit code 2 and one line.
 */
@WithPostgres
class ExampleConfigIT {

    static final Path EXAMPLE = Path.of("..", "examples", "server.yaml");

    @Test
    void theExampleConfigurationDeliversARowInsertedWithPsqlStyleSql(TestDatabase db, @TempDir Path folder)
            throws Exception {
        Path config = folder.resolve("server.yaml");
        Files.copy(EXAMPLE, config);
        try (ServerProcess server = ServerProcess.start(config, Map.of(
                "MAILROOM_DATABASE_URL", db.jdbcUrl(),
                "MAILROOM_ADMIN_PORT", "0",
                "MAILROOM_KAFKA_EMBEDDED_PORT", String.valueOf(EmbeddedKafka.freePort())))) {
            assertThat(server.output()).contains("FOR TRYING MAILROOM OUT ONLY");
            try (Connection connection = db.openConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO orders_outbox (event_type, event_key, payload)"
                        + " VALUES ('order.placed', 'order-1001', convert_to('{\"orderId\":\"order-1001\"}', 'UTF8'))");
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(server.json("/api/v1/services/orders").get("counts").get("published").asLong()).isEqualTo(1));
            JsonNode message = server.json("/api/v1/services/orders/messages?key=order-1001").get("items").get(0);
            assertThat(message.get("state").asText()).isEqualTo("published");
            assertThat(server.output()).contains("Mailroom dashboard on " + server.uri() + "/dashboard/");
            assertThat(server.get("/dashboard/login", null).body()).contains("Admin token");
            assertThat(server.get("/dashboard/static/dashboard.js", null).statusCode()).as("in the packaged jar")
                    .isEqualTo(200);
            assertThat(server.stop()).isZero();
        }
    }

    @Test
    void aBadValueStopsTheJarWithExitCodeTwoAndOneLineNamingTheKey(@TempDir Path folder) throws Exception {
        String yaml = Files.readString(EXAMPLE).replace("batch-size: 500", "batch-size: lots");
        ServerProcess.Exit exit = ServerProcess.run(ServerProcess.writeConfig(folder, yaml), Map.of());
        assertThat(exit.code()).isEqualTo(2);
        assertThat(exit.output().strip()).isEqualTo("mailroom-server: invalid configuration:"
                + " services.orders.relay.batch-size: must be a whole number from 1 to 10000, was 'lots'");

        exit = ServerProcess.run(ServerProcess.writeConfig(folder, Files.readString(EXAMPLE)),
                Map.of("MAILROOM_ADMIN_TOKEN", "too-short"));
        assertThat(exit.code()).isEqualTo(2);
        assertThat(exit.output().strip()).isEqualTo("mailroom-server: invalid configuration:"
                + " admin.token: must be at least 32 characters, was 9");
    }
}
