package dev.mailroom.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailroom.testkit.db.DatabaseSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The benchmark command end to end on a small workload: every figure is there and consistent. */
class BenchMainTest {

    @TempDir
    Path out;

    @Test
    void aSmallRunWritesEveryFigureAndTheTable() throws Exception {
        int exit = new CommandLine(new BenchMain()).execute("--scenarios", "ceilings,drain,drain_two_relays,latency,debezium",
                "--backlog", "3000", "--rate", "200", "--latency-seconds", "1", "--warmup-seconds", "1",
                "--out", out.toString());

        assertThat(exit).isZero();
        JsonNode result = new ObjectMapper().readTree(out.resolve("result.json").toFile());
        JsonNode drain = result.get("drain");
        assertThat(drain.get("published_rows").asLong()).isEqualTo(3000);
        assertThat(drain.get("acknowledged_sends").asLong()).isGreaterThanOrEqualTo(3000);
        assertThat(drain.get("events_per_second").asLong()).isPositive();
        assertThat(drain.get("first_ack_ms").asDouble()).isPositive();
        assertThat(drain.get("row_writes_per_event").asDouble()).isBetween(1.0, 4.0);
        assertThat(result.get("drain_two_relays").get("published_rows").asLong()).isEqualTo(3000);
        assertThat(result.get("drain_ratio_to_lower_ceiling").asDouble()).isPositive();
        JsonNode ack = result.get("latency").get("commit_to_ack_ms");
        assertThat(ack.get("count").asLong()).isEqualTo(200);
        assertThat(ack.get("missing").asLong()).isZero();
        assertThat(ack.get("p50").asDouble()).isPositive().isLessThanOrEqualTo(ack.get("max").asDouble());
        assertThat(result.get("machine").get("cores").asInt()).isPositive();
        assertThat(result.get("settings").get("warmup_runs_per_drain").asInt()).isEqualTo(1);
        assertThat(result.get("settings").get("figures").asText()).contains("after 1 unmeasured warm-up run");

        JsonNode debezium = result.get("peers").get("debezium_outbox_router");
        if ("logical".equals(walLevel())) {
            assertThat(debezium.get("drain").get("acknowledged_sends").asLong()).isEqualTo(3000);
            assertThat(debezium.get("latency").get("commit_to_ack_ms").get("missing").asLong()).isZero();
            assertThat(replicationSlotsLeft()).as("the peer drops its replication slot").isZero();
        } else {
            assertThat(debezium.asText()).contains("wal_level").contains("--switch-wal-level");
        }
        String table = Files.readString(out.resolve("result.md"));
        assertThat(table).contains("| Drain 3000, 1 relay (events/s) | " + drain.get("events_per_second").asLong() + " |")
                .contains("Latency at 200/s").doesNotContain("gruelbox");
    }

    @Test
    void aSmallMariaDbRunMeasuresItsCeilingsDrainLatencyAndKeyOrderProbeAndLeavesThePeersOut() throws Exception {
        int exit = new CommandLine(new BenchMain()).execute("--database", "mariadb", "--scenarios",
                "ceilings,drain,latency_unsignalled,key_order_probe,gruelbox", "--backlog", "3000", "--probe-history", "3000",
                "--rate", "200", "--latency-seconds", "1", "--warmup-seconds", "1", "--out", out.toString());

        assertThat(exit).isZero();
        JsonNode result = new ObjectMapper().readTree(out.resolve("result.json").toFile());
        assertThat(result.get("settings").get("database").asText()).isEqualTo("mariadb");
        assertThat(result.get("machine").get("mariadb").asText()).contains("MariaDB");
        assertThat(result.get("ceilings").get("naive_claims_without_broker").get("rows").asLong()).isEqualTo(3000);
        JsonNode drain = result.get("drain");
        assertThat(drain.get("published_rows").asLong()).isEqualTo(3000);
        assertThat(drain.get("undelivered_rows").asLong()).isZero();
        assertThat(result.get("drain_ratios_to_insert_ceiling").get("drain").asDouble()).isPositive();
        JsonNode ack = result.get("latency_unsignalled").get("commit_to_ack_ms");
        assertThat(ack.get("count").asLong()).isEqualTo(200);
        assertThat(ack.get("missing").asLong()).isZero();
        JsonNode probe = result.get("key_order_probe");
        for (String key : new String[] {"key_with_history", "key_without_history"}) {
            assertThat(probe.get(key).get("rows_claimed").asInt()).as(key).isEqualTo(1);
            assertThat(probe.get(key).get("reads_of_one_claim").get("Handler_read_next").asLong())
                    .as(key + ": the claim reads the key's new rows, not its 3,000 delivered ones").isLessThan(100);
        }
        assertThat(result.get("peers").asText()).contains("not run on mariadb");
        assertThat(Files.readString(out.resolve("result.md"))).contains("MariaDB").contains("Peers not run on mariadb")
                .contains("naive claim");
    }

    @Test
    void anUnknownScenarioIsAUsageErrorAndWritesNothing() {
        int exit = new CommandLine(new BenchMain()).execute("--scenarios", "drain,warp-speed", "--out", out.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(out.resolve("result.json")).doesNotExist();
    }

    @Test
    void anUnknownDatabaseIsAUsageErrorAndWritesNothing() {
        int exit = new CommandLine(new BenchMain()).execute("--database", "oracle", "--out", out.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(out.resolve("result.json")).doesNotExist();
    }

    private static Connection connect() throws Exception {
        DatabaseSettings pg = DatabaseSettings.postgres();
        return DriverManager.getConnection(pg.url(), pg.user(), pg.password());
    }

    private static String walLevel() throws Exception {
        try (Connection connection = connect(); ResultSet rs = connection.createStatement().executeQuery("SHOW wal_level")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long replicationSlotsLeft() throws Exception {
        try (Connection connection = connect(); ResultSet rs = connection.createStatement().executeQuery(
                "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + DebeziumPeer.SLOT + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
