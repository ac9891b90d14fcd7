package dev.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithMariaDb;
import dev.mailroom.testkit.kafka.KafkaBroker;
import dev.mailroom.testkit.kafka.WithKafka;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged server on MariaDB (dialect detected from the URL's database), read-only. */
@WithMariaDb
@WithKafka
class ServerMariaDbIT {

    @Test
    void deliversAPlainSqlRowShowsItRefusesEveryWriteWhileReadOnlyAndRetentionDeletesIt(TestDatabase db, KafkaBroker broker,
                                                                      @TempDir Path folder) throws Exception {
        Path config = ServerProcess.writeConfig(folder, """
                database: {url: "%s", user: "%s", password: "%s", migrate: true}
                kafka: {bootstrap-servers: "%s", create-missing-topics: true}
                services:
                  orders:
                    table: orders_outbox
                    topic: maria.orders
                    events: {order.placed: {}}
                    relay: {retention: 5s, retention-interval: 1s}
                ledger: {enabled: true}
                admin: {port: 0}
                """.formatted(db.jdbcUrl(), db.user(), db.password(), broker.bootstrapServers()));
        try (ServerProcess server = ServerProcess.start(config, Map.of())) {
            String eventId;
            try (Connection connection = db.openConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO orders_outbox (event_type, event_key, payload)"
                        + " VALUES ('order.placed', 'order-1001', '{\"orderId\":\"order-1001\"}')");
                try (ResultSet rs = statement.executeQuery("SELECT event_id FROM orders_outbox")) {
                    rs.next();
                    eventId = rs.getString(1);
                }
            }
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(TopicRecords.read(broker, "maria.orders"))
                    .extracting(TopicRecords.Delivered::eventId).containsExactly(eventId));
            JsonNode overview = server.json("/api/v1/services/orders");
            assertThat(overview.get("counts").get("published").asLong()).isEqualTo(1);
            assertThat(server.json("/api/v1/services/orders/messages?key=order-1001").get("items").get(0)
                    .get("eventId").asText()).isEqualTo(eventId);
            assertThat(server.json("/health/ready").get("status").asText()).isEqualTo("UP");

            for (String write : Endpoints.WRITES) {
                JsonNode preview = ServerProcess.json(server.post(write, "{\"ids\":[1]}"), 200);
                assertThat(preview.get("executed").asBoolean()).as("a preview is allowed read-only").isFalse();
                JsonNode refused = ServerProcess.json(server.post(write,
                        "{\"ids\":[1],\"execute\":true,\"operator\":\"ada\",\"reason\":\"try\"}"), 403);
                assertThat(refused.get("error").asText()).isEqualTo("read_only");
            }
            for (String write : Endpoints.LEDGER_WRITES) {
                JsonNode refused = ServerProcess.json(server.post(write,
                        "{\"version\":0,\"operator\":\"ada\",\"reason\":\"try\"}"), 403);
                assertThat(refused.get("error").asText()).isEqualTo("read_only");
            }
            assertThat(server.json("/api/v1/audit")).as("nothing was written").isEmpty();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(server.json("/api/v1/services/orders")
                    .get("counts").get("published").asLong()).as("deleted by relay.retention").isZero());
            assertThat(server.stop()).isZero();
        }
    }
}
