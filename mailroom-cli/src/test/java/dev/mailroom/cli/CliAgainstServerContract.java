package dev.mailroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mailroom.ledger.CompensationLedger;
import dev.mailroom.server.MailroomServer;
import dev.mailroom.server.config.ConfigLoader;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.kafka.KafkaBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command of the CLI against a real server (started in this JVM from a configuration file)
 * over the real database: the JSON output parsed, previews that change nothing, executed writes
 * and their audit, and the exit codes. The server's relays are off, so the rows stay as a test sets
 * them; that a replayed row is then delivered is the server's own test.
 */
abstract class CliAgainstServerContract {

    private static final String TOKEN = "cli-test-token-0123456789abcdef0123456789";

    private final TestDatabase database;
    private final KafkaBroker broker;
    @TempDir
    Path folder;
    private MailroomServer server;
    private MailroomServer readOnly;

    CliAgainstServerContract(TestDatabase database, KafkaBroker broker) {
        this.database = database;
        this.broker = broker;
    }

    @BeforeEach
    void startServers() throws Exception {
        server = start(true);
        for (String table : List.of("mailroom_audit", CompensationLedger.DEFAULT_TABLE)) {
            execute("DELETE FROM " + table);
        }
        // ids from 1 again (PostgreSQL's TRUNCATE takes RESTART IDENTITY, MariaDB's resets AUTO_INCREMENT itself)
        execute("TRUNCATE TABLE orders_outbox" + (database.jdbcUrl().startsWith("jdbc:postgresql") ? " RESTART IDENTITY" : ""));
        for (int i = 1; i <= 6; i++) {
            execute("INSERT INTO orders_outbox (event_type, event_key, payload) VALUES ('"
                    + (i <= 4 ? "order.placed" : "order.paid") + "', 'k" + (i % 2) + "', '{\"n\":" + i + "}')");
        }
        execute("UPDATE orders_outbox SET status = 'dead', last_error = 'broker refused: TOPIC_AUTHORIZATION_FAILED'"
                + " WHERE event_type = 'order.placed' AND event_key = 'k1'");
        execute("UPDATE orders_outbox SET status = 'dead', holds_key = TRUE, last_error = 'poison'"
                + " WHERE event_type = 'order.paid' AND event_key = 'k1'");
        readOnly = start(false);
    }

    @AfterEach
    void stopServers() {
        if (readOnly != null) {
            readOnly.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void statusPrintsEveryOutboxAndInboxAsParseableJson() throws Exception {
        CliRun run = cli("status", "-o", "json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode status = AdminClient.JSON.readTree(run.out());
        assertThat(status).hasSize(2);
        JsonNode orders = status.get(0);
        assertThat(orders.get("name").asText()).isEqualTo("orders");
        assertThat(orders.get("counts").get("dead").asLong()).isEqualTo(3);
        assertThat(orders.get("counts").get("pending").asLong()).isEqualTo(3);
        assertThat(orders.get("heldKeys").asLong()).isOne();
        assertThat(status.get(1).get("kind").asText()).isEqualTo("inbox");

        CliRun table = cli("status");
        assertThat(table.out()).contains("KIND", "outbox", "orders", "inbox", "notifications");
    }

    @Test
    void outboxListFiltersAndShowPrintsTheWholeRow() throws Exception {
        JsonNode page = json(cli("outbox", "list", "--service", "orders", "--state", "dead", "--error", "authorization",
                "--order", "oldest", "-o", "json"));
        assertThat(page.get("items")).extracting(row -> row.get("id").asLong()).containsExactly(1L, 3L);
        assertThat(page.get("next").isNull()).isTrue();

        JsonNode firstPage = json(cli("outbox", "list", "-s", "orders", "--limit", "2", "-o", "json"));
        assertThat(firstPage.get("items")).extracting(row -> row.get("id").asLong()).containsExactly(6L, 5L);
        JsonNode secondPage = json(cli("outbox", "list", "-s", "orders", "--limit", "2", "--after",
                firstPage.get("next").asText(), "-o", "json"));
        assertThat(secondPage.get("items")).extracting(row -> row.get("id").asLong()).containsExactly(4L, 3L);

        JsonNode row = json(cli("outbox", "show", "--service", "orders", "2", "-o", "json"));
        assertThat(row.get("payload").get("data").asText()).isEqualTo("{\"n\":2}");
        assertThat(row.get("state").asText()).isEqualTo("pending");
        assertThat(cli("outbox", "show", "-s", "orders", "2").out()).contains("eventType: order.placed");
    }

    @Test
    void deadReplayPreviewsUntilExecutedThenChangesAndAuditsOnce() throws Exception {
        CliRun preview = cli("dead", "replay", "-s", "orders", "--error", "authorization");
        assertThat(preview.exitCode()).as(preview.err()).isZero();
        assertThat(preview.out()).contains("preview of replay: 2 rows would change", "nothing changed");
        assertThat(count("status = 'dead'")).as("a preview changes nothing").isEqualTo(3);

        JsonNode executed = json(cli("dead", "replay", "-s", "orders", "--error", "authorization", "--execute",
                "--operator", "ada", "--reason", "ACL fixed", "-o", "json"));
        assertThat(executed.get("executed").asBoolean()).isTrue();
        assertThat(executed.get("rows").asInt()).isEqualTo(2);
        assertThat(count("status = 'pending' AND attempts = 0")).isEqualTo(5);

        JsonNode audit = json(cli("audit", "--target", "outbox:orders", "-o", "json"));
        assertThat(audit).singleElement().satisfies(record -> {
            assertThat(record.get("actor").asText()).isEqualTo("ada");
            assertThat(record.get("reason").asText()).isEqualTo("ACL fixed");
            assertThat(record.get("rowsChanged").asInt()).isEqualTo(2);
        });
        assertThat(cli("dead", "list", "-s", "orders", "-o", "json").out()).contains("\"id\" : 5");
    }

    @Test
    void discardByIdAndHeldKeysSkipAndRetry() throws Exception {
        assertThat(cli("dead", "discard", "-s", "orders", "1", "--execute", "--operator", "ada", "--reason", "obsolete").exitCode()).isZero();
        assertThat(count("id = 1 AND status = 'discarded'")).isOne();

        JsonNode held = json(cli("keys", "held", "-s", "orders", "-o", "json"));
        assertThat(held).singleElement().satisfies(key -> {
            assertThat(key.get("id").asLong()).isEqualTo(5);
            assertThat(key.get("key").asText()).isEqualTo("k1");
        });
        CliRun skipPreview = cli("keys", "skip", "-s", "orders", "5");
        assertThat(skipPreview.out()).contains("preview of skip: 1 rows would change");
        assertThat(count("id = 5 AND holds_key")).isOne();
        assertThat(cli("keys", "skip", "-s", "orders", "5", "--execute", "--operator", "ada", "--reason", "payment voided").exitCode()).isZero();
        assertThat(count("id = 5 AND status = 'dead' AND NOT holds_key")).isOne();
        assertThat(json(cli("keys", "held", "-s", "orders", "-o", "json"))).isEmpty();

        execute("UPDATE orders_outbox SET holds_key = TRUE WHERE id = 5");
        assertThat(cli("keys", "retry", "-s", "orders", "5", "--execute", "--operator", "ada", "--reason", "try again").exitCode()).isZero();
        assertThat(count("id = 5 AND status = 'pending' AND NOT holds_key")).isOne();
    }

    @Test
    void ledgerItemsAreListedShownAndResolvedWithTheirVersion() throws Exception {
        long id;
        CompensationLedger ledger = CompensationLedger.builder(database.dataSource()).build();
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            id = ledger.record(connection, "batch-9", "refund", 3, "{\"order\":9}", "gateway timeout");
            connection.commit();
        }
        JsonNode items = json(cli("ledger", "list", "-o", "json"));
        assertThat(items).singleElement().satisfies(item -> assertThat(item.get("id").asLong()).isEqualTo(id));
        long version = items.get(0).get("version").asLong();
        assertThat(json(cli("ledger", "show", String.valueOf(id), "-o", "json")).get("trail")).isNotEmpty();

        CliRun stale = cli("ledger", "resolve", String.valueOf(id), "--item-version", String.valueOf(version + 1),
                "--operator", "ada", "--reason", "refunded by hand");
        assertThat(stale.exitCode()).as("a stale version is refused").isEqualTo(ExitCodes.REFUSED);
        CliRun resolved = cli("ledger", "resolve", String.valueOf(id), "--item-version", String.valueOf(version),
                "--operator", "ada", "--reason", "refunded by hand");
        assertThat(resolved.exitCode()).as(resolved.err()).isZero();
        assertThat(resolved.out()).contains("is now resolved");
    }

    @Test
    void exitCodesSayWhatWentWrong() {
        CliRun wrongToken = CliRun.of("status", "--url", server.uri().toString(), "--token", "not-the-token");
        assertThat(wrongToken.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(wrongToken.err()).contains("unauthorized");
        CliRun unknown = cli("outbox", "list", "-s", "shipping");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(unknown.err()).contains("shipping");
        CliRun badFilter = cli("outbox", "list", "-s", "orders", "--state", "lost");
        assertThat(badFilter.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badFilter.err()).contains("state");
        CliRun missingRow = cli("outbox", "show", "-s", "orders", "999");
        assertThat(missingRow.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(cli("dead", "replay").exitCode()).as("no service or inbox named").isEqualTo(ExitCodes.USAGE);
        CliRun unreachable = CliRun.of("status", "--url", "http://127.0.0.1:1", "--token", TOKEN);
        assertThat(unreachable.exitCode()).isEqualTo(ExitCodes.FAILURE);
    }

    @Test
    void aReadOnlyServerPreviewsButRefusesWrites() throws Exception {
        CliRun preview = CliRun.of("dead", "discard", "-s", "orders", "1", "--url", readOnly.uri().toString(),
                "--token", TOKEN);
        assertThat(preview.exitCode()).as(preview.err()).isZero();
        CliRun refused = CliRun.of("dead", "discard", "-s", "orders", "1", "--execute", "--operator", "ada", "--reason", "x",
                "--url", readOnly.uri().toString(), "--token", TOKEN);
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(refused.err()).contains("read_only");
        assertThat(count("id = 1 AND status = 'dead'")).isOne();
    }

    private MailroomServer start(boolean writes) throws IOException {
        Path config = Files.createTempFile(folder, "server-", ".yaml");
        Files.writeString(config, """
                database: {url: "%s", user: "%s", password: "%s", migrate: true}
                kafka: {bootstrap-servers: "%s", create-missing-topics: true}
                services:
                  orders:
                    table: orders_outbox
                    topic: cli.orders
                    events:
                      order.placed: {}
                      order.paid: {poison-policy: HOLD_KEY}
                    relay: {enabled: false}
                inboxes:
                  notifications: {table: notifications_inbox}
                ledger: {enabled: true}
                admin: {port: 0, writes-enabled: %s}
                """.formatted(database.jdbcUrl(), database.user(), database.password(), broker.bootstrapServers(),
                writes));
        return MailroomServer.start(ConfigLoader.load(config, Map.of("MAILROOM_ADMIN_TOKEN", TOKEN)));
    }

    private CliRun cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", server.uri().toString(), "--token", TOKEN));
        return CliRun.of(all.toArray(String[]::new));
    }

    private static JsonNode json(CliRun run) throws IOException {
        assertThat(run.exitCode()).as(run.err()).isZero();
        return AdminClient.JSON.readTree(run.out());
    }

    private long count(String where) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM orders_outbox WHERE " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
