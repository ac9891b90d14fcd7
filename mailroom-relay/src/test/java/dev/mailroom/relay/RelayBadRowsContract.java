package dev.mailroom.relay;

import static dev.mailroom.relay.RelayFixture.TOPIC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.transport.DeliveryException;
import dev.mailroom.transport.Envelope;
import dev.mailroom.transport.InProcessTransport;
import dev.mailroom.transport.UndeliverableException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * Rows a plain SQL producer can write that the relay cannot deliver as stored: each goes dead on its
 * own with the reason, while every other row, and the later rows of its own key, keep flowing. Odd
 * rows it can deliver arrive exactly as stored. Run on each database by {@link RelayBadRowsPostgresTest}
 * and {@link RelayBadRowsMariaDbTest}.
 */
abstract class RelayBadRowsContract extends EmptyOutboxContract {

    /** Headers columns that are valid JSON (the column is jsonb, or JSON checked by JSON_VALID) but not an object of strings. */
    private static final Map<String, String> BAD_HEADERS = Map.of(
            "[1]", "must be a JSON object",
            "\"text\"", "must be a JSON object",
            "null", "must be a JSON object",
            "42", "must be a JSON object",
            "{\"origin\": null}", "header 'origin' is null",
            "{\"origin\": {\"nested\": 1}}", "header 'origin' is object",
            "{\"origin\": [1, 2]}", "header 'origin' is array",
            "{\"\": \"x\"}", "blank header name");

    RelayBadRowsContract(TestDatabase database) {
        super(database);
    }

    @ParameterizedTest
    @ArgumentsSource(ClaimModesOfTheDatabase.class)
    void rowsWhoseHeadersOrContentTypeCannotBeSentAreDeadWithTheReasonAndTheirKeyGoesOn(ClaimMode mode)
            throws Exception {
        List<Envelope> received = Collections.synchronizedList(new ArrayList<>());
        InProcessTransport transport = new InProcessTransport().subscribe(TOPIC, received::add);
        int sequence = 0;
        for (String headers : BAD_HEADERS.keySet()) {
            insert("same-key", "{\"seq\":" + sequence++ + "}", headers, "application/json");
        }
        insert("same-key", "{\"seq\":" + sequence++ + "}", "{}", "");
        insert("same-key", "{\"seq\":" + sequence++ + "}", "{\"origin\": \"go\", \"retries\": 3, \"beta\": true}",
                "application/json");
        insert("other-key", "{\"seq\":" + sequence + "}", "{}", "application/json");
        try (Relay relay = outbox.relay(transport).claimMode(mode).build().start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> received.size() >= 2);
            await().atMost(Duration.ofSeconds(10)).until(() -> outbox.count("status = 'dead'") == BAD_HEADERS.size() + 1);
        }
        assertThat(received).extracting(Envelope::key).containsExactlyInAnyOrder("same-key", "other-key");
        Envelope good = received.stream().filter(e -> e.key().equals("same-key")).findFirst().orElseThrow();
        assertThat(good.headers()).containsEntry("origin", "go").containsEntry("retries", "3").containsEntry("beta", "true");
        for (Map.Entry<String, String> bad : BAD_HEADERS.entrySet()) {
            assertThat(outbox.count("status = 'dead' AND headers = " + outbox.sql.json(quoted(bad.getKey()))
                    + " AND last_error LIKE " + quoted("%" + bad.getValue() + "%"))).as(bad.getKey()).isEqualTo(1);
        }
        assertThat(outbox.count("status = 'dead' AND content_type = '' AND last_error LIKE '%content_type%'"))
                .isEqualTo(1);
        assertThat(outbox.count("status IN ('pending', 'sending')")).isZero();
    }

    @ParameterizedTest
    @ArgumentsSource(ClaimModesOfTheDatabase.class)
    void eventTypesThatOnlyLookRoutedAreDeadWhileTheirKeyGoesOnAndANullTypeIsRefusedByTheTable(ClaimMode mode)
            throws Exception {
        List<Envelope> received = Collections.synchronizedList(new ArrayList<>());
        InProcessTransport transport = new InProcessTransport().subscribe(TOPIC, received::add);
        insertTyped("ORDER.PLACED", "k", "{\"upper\":1}");
        insertTyped("order.placed ", "k", "{\"trailing\":1}");
        insertTyped("order.placed", "k", "{\"routed\":1}");
        assertThatThrownBy(() -> insertTyped(null, "k", "{\"null\":1}")).isInstanceOf(SQLException.class);
        try (Relay relay = outbox.relay(transport).claimMode(mode).build().start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> outbox.count("status = 'dead'") == 2);
        }
        assertThat(received).extracting(e -> new String(e.payload(), StandardCharsets.UTF_8))
                .containsExactly("{\"routed\":1}");
        assertThat(outbox.count("status = 'dead' AND last_error LIKE '%No route%'")).isEqualTo(2);
        assertThat(outbox.count("true")).as("the row without a type was never written").isEqualTo(3);
    }

    @ParameterizedTest
    @ArgumentsSource(ClaimModesOfTheDatabase.class)
    void oddButValidRowsWrittenWithPlainSqlAreDeliveredExactlyAsStored(ClaimMode mode) throws Exception {
        List<Envelope> received = Collections.synchronizedList(new ArrayList<>());
        InProcessTransport transport = new InProcessTransport().subscribe(TOPIC, received::add);
        byte[] binary = new byte[3 * 1024 * 1024];
        new Random(7).nextBytes(binary);
        String longKey = "k".repeat(2_000);
        String bigHeader = "h".repeat(64 * 1024);
        UUID upperCaseId = UUID.randomUUID();
        insertRow("event_key, payload", "?, ?", null, "{\"no-key\":1}".getBytes(StandardCharsets.UTF_8));
        insertRow("event_key, payload", "?, ?", longKey, binary);
        insertRow("event_key, payload, headers", "?, ?, " + outbox.sql.json("?"), "big-header", bytes("{}"),
                "{\"big\": \"" + bigHeader + "\", \"twice\": \"1\", \"twice\": \"2\"}");
        insertRow("event_id, event_key, payload", quoted(upperCaseId.toString().toUpperCase()) + ", ?, ?", "clé-ü-日本",
                bytes("{\"upper-id\":1}"));
        insertRow("event_key, payload, content_type, tenant_id, correlation_id, event_version, attempts, max_attempts",
                "?, ?, ?, ?, ?, ?, ?, ?", "spent", bytes("plain text"), "text/plain; charset=utf-8", "tenant-1",
                "corr-1", 7, 5, 3);
        try (Relay relay = outbox.relay(transport).claimMode(mode).build().start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> outbox.count("status = 'published'") == 5);
        }
        assertThat(received).hasSize(5);
        assertThat(byKey(received, null).payload()).isEqualTo(bytes("{\"no-key\":1}"));
        assertThat(byKey(received, longKey).payload()).as("3 MB of random bytes, byte-exact").isEqualTo(binary);
        assertThat(byKey(received, "big-header").headers()).containsEntry("big", bigHeader).containsEntry("twice", "2");
        assertThat(byKey(received, "clé-ü-日本").eventId()).isEqualTo(upperCaseId);
        Envelope spent = byKey(received, "spent");
        assertThat(spent.contentType()).isEqualTo("text/plain; charset=utf-8");
        assertThat(spent.tenantId()).isEqualTo("tenant-1");
        assertThat(spent.correlationId()).isEqualTo("corr-1");
        assertThat(spent.eventVersion()).isEqualTo(7);
        assertThat(outbox.count("status IN ('pending', 'sending', 'dead')")).isZero();
    }

    @ParameterizedTest
    @ArgumentsSource(ClaimModesOfTheDatabase.class)
    void headersNamedLikeMailroomsOwnAreIgnoredSoTheEventIdCannotBeForged(ClaimMode mode) throws Exception {
        List<Envelope> received = Collections.synchronizedList(new ArrayList<>());
        InProcessTransport transport = new InProcessTransport().subscribe(TOPIC, received::add);
        insert("k", "{}", "{\"ce_id\": \"forged\", \"CE_TYPE\": \"x\", \"content-type\": \"text/evil\", \"origin\": \"go\"}",
                "application/json");
        try (Relay relay = outbox.relay(transport).claimMode(mode).build().start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == 1);
        }
        assertThat(received.get(0).headers()).containsOnlyKeys("origin");
        assertThat(received.get(0).contentType()).isEqualTo("application/json");
        await().atMost(Duration.ofSeconds(5)).until(() -> outbox.count("status = 'published'") == 1);
    }

    @ParameterizedTest
    @ArgumentsSource(ClaimModesOfTheDatabase.class)
    void aRowTheTransportRefusesForGoodIsDeadAtOnceWhileARetryableFailureIsRetried(ClaimMode mode) throws Exception {
        AtomicInteger refusals = new AtomicInteger();
        AtomicInteger flaky = new AtomicInteger();
        List<String> delivered = Collections.synchronizedList(new ArrayList<>());
        InProcessTransport transport = new InProcessTransport().subscribe(TOPIC, e -> {
            String payload = new String(e.payload(), StandardCharsets.UTF_8);
            if (payload.contains("huge")) {
                refusals.incrementAndGet();
                throw new UndeliverableException("record too large", null);
            }
            if (payload.contains("flaky") && flaky.getAndIncrement() < 2) {
                throw new DeliveryException("broker busy");
            }
            delivered.add(payload);
        });
        insert("k", "{\"huge\":1}", "{}", "application/json");
        insert("k", "{\"after\":1}", "{}", "application/json");
        insert("f", "{\"flaky\":1}", "{}", "application/json");
        try (Relay relay = outbox.relay(transport).claimMode(mode).build().start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> delivered.size() == 2);
        }
        assertThat(refusals).hasValue(1);
        assertThat(delivered).containsExactlyInAnyOrder("{\"after\":1}", "{\"flaky\":1}");
        assertThat(outbox.count("status = 'dead' AND attempts = 0 AND last_error LIKE '%record too large%'")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> outbox.count("status = 'published' AND attempts = 2 AND payload = '{\"flaky\":1}'") == 1);
    }

    @ParameterizedTest
    @ArgumentsSource(ClaimModesOfTheDatabase.class)
    void aRowInsertedAsSendingWithoutALeaseIsReclaimedInsteadOfHoldingItsKeyForever(ClaimMode mode) throws Exception {
        List<Envelope> received = Collections.synchronizedList(new ArrayList<>());
        InProcessTransport transport = new InProcessTransport().subscribe(TOPIC, received::add);
        outbox.execute("INSERT INTO orders_outbox (event_type, event_key, payload, status)"
                + " VALUES ('order.placed', 'k', '{\"first\":1}', 'sending')");
        insert("k", "{\"second\":1}", "{}", "application/json");
        try (Relay relay = outbox.relay(transport).claimMode(mode).build().start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == 2);
        }
        assertThat(received).extracting(e -> new String(e.payload(), StandardCharsets.UTF_8))
                .containsExactly("{\"first\":1}", "{\"second\":1}");
    }

    @ParameterizedTest
    @ArgumentsSource(ClaimModesOfTheDatabase.class)
    void anotherServicesEventTypeInThisOutboxIsDeadNotSentToThatServicesTopic(ClaimMode mode) throws Exception {
        RouteRegistry twoServices = RouteRegistry.builder()
                .service("orders", s -> s.table("orders_outbox").topic(TOPIC).event("order.placed"))
                .service("billing", s -> s.table("billing_outbox").topic("billing.events").event("invoice.issued"))
                .build();
        List<Envelope> received = Collections.synchronizedList(new ArrayList<>());
        InProcessTransport transport = new InProcessTransport().subscribe(TOPIC, received::add)
                .subscribe("billing.events", received::add);
        outbox.execute("INSERT INTO orders_outbox (event_type, event_key, payload) VALUES ('invoice.issued', 'k', '{}')");
        insert("k", "{\"after\":1}", "{}", "application/json");
        try (Relay relay = Relay.builder(outbox.database.dataSource(), twoServices, transport).service("orders")
                .claimMode(mode).build().start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == 1);
        }
        assertThat(received).extracting(Envelope::destination).containsExactly(TOPIC);
        assertThat(outbox.count("status = 'dead' AND event_type = 'invoice.issued'"
                + " AND last_error LIKE '%belongs to service ''billing''%'")).isEqualTo(1);
    }

    private void insert(String key, String payload, String headers, String contentType) throws SQLException {
        insertRow("event_key, payload, headers, content_type", "?, ?, " + outbox.sql.json("?") + ", ?", key,
                bytes(payload), headers, contentType);
    }

    private void insertTyped(String eventType, String key, String payload) throws SQLException {
        try (Connection connection = outbox.database.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO orders_outbox (event_type, event_key, payload) VALUES (?, ?, ?)")) {
            insert.setString(1, eventType);
            insert.setString(2, key);
            insert.setBytes(3, bytes(payload));
            insert.executeUpdate();
        }
    }

    /** A plain SQL insert of an {@code order.placed} row: the columns, their value expressions and parameters. */
    private void insertRow(String columns, String values, Object... parameters) throws SQLException {
        try (Connection connection = outbox.database.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO orders_outbox (event_type, " + columns
                     + ") VALUES ('order.placed', " + values + ")")) {
            for (int i = 0; i < parameters.length; i++) {
                insert.setObject(i + 1, parameters[i]);
            }
            insert.executeUpdate();
        }
    }

    private static Envelope byKey(List<Envelope> received, String key) {
        return received.stream().filter(e -> java.util.Objects.equals(e.key(), key)).findFirst().orElseThrow();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String quoted(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
