package dev.mailroom.jdbc.publish;

import static dev.mailroom.jdbc.OutboxFixture.ROUTES;
import static dev.mailroom.jdbc.OutboxFixture.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.event.InvalidTextException;
import dev.mailroom.event.KeyTooLongException;
import dev.mailroom.event.OutboxEvent;
import dev.mailroom.event.ReservedHeaderException;
import dev.mailroom.jdbc.DuplicateEventException;
import dev.mailroom.jdbc.OutboxFixture;
import dev.mailroom.jdbc.OutboxTableMissingException;
import dev.mailroom.jdbc.dialect.SqlErrorKind;
import dev.mailroom.jdbc.store.OutboxStore;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.routing.InvalidIdentifierException;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.routing.TableName;
import dev.mailroom.testkit.db.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A refused publish writes nothing and never aborts the caller's transaction: after each refusal
 * the caller's own write in the same transaction still commits.
 */
abstract class PublishRefusalsContract {

    private OutboxFixture outbox;

    @BeforeEach
    void emptyTables(TestDatabase database) throws SQLException {
        outbox = new OutboxFixture(database);
        outbox.reset();
        outbox.execute("CREATE TABLE IF NOT EXISTS orders (id VARCHAR(64) PRIMARY KEY)");
        outbox.emptyTables("orders");
    }

    @Test
    void textTheDatabaseWouldRefuseOrChangeIsRefusedNamingTheFieldAndTheTransactionGoesOn() throws Exception {
        List<OutboxEvent> bad = List.of(
                OutboxEvent.builder("order.placed").key("o\u00001").json("{}").build(),
                OutboxEvent.builder("order.placed").key("o-1").tenantId("acme\u0000").json("{}").build(),
                OutboxEvent.builder("order.placed").key("o-1").correlationId("c\u0000").json("{}").build(),
                OutboxEvent.builder("order.placed").key("o-1").header("origin", "w\u0000b").json("{}").build(),
                OutboxEvent.builder("order.placed").key("o\ud800").json("{}").build(),
                OutboxEvent.builder("order.placed").key("o-1").header("origin", "\udc00").json("{}").build(),
                OutboxEvent.builder("order.placed").key("o-1").json("{\"name\":\"\ud800\"}").build());
        for (OutboxEvent event : bad) {
            inOneTransaction(connection -> assertThatThrownBy(() -> outbox.publisher.publish(connection, event))
                    .as(event.toString()).isInstanceOf(InvalidTextException.class));
        }
        assertThat(outbox.count("orders_outbox")).isZero();
        assertThat(outbox.count("orders")).isEqualTo(bad.size());
    }

    @Test
    void aKeyTooWideForTheKeyIndexIsRefusedBeforeTheDatabaseFailsTheTransaction() throws Exception {
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            key.append((char) (0x4e00 + ThreadLocalRandom.current().nextInt(20_000))); // 3 bytes each, incompressible
        }
        inOneTransaction(connection -> assertThatThrownBy(() -> outbox.publisher.publish(connection,
                OutboxEvent.builder("order.placed").key(key.toString()).json("{}").build()))
                .isInstanceOf(KeyTooLongException.class).hasMessageContaining("3000 bytes"));
        assertThat(outbox.count("orders_outbox")).isZero();
        assertThat(outbox.count("orders")).isEqualTo(1);
    }

    @Test
    void anEventIdAlreadyInTheOutboxIsADuplicateAndNothingOfTheCallIsWritten() throws Exception {
        OutboxEvent first = event("o-1");
        outbox.publishCommitted(List.of(first));
        OutboxEvent again = OutboxEvent.builder("order.placed").eventId(first.eventId()).key("o-1").json("{}").build();
        List<OutboxEvent> call = new ArrayList<>();
        for (int i = 0; i < 700; i++) {   // two statements: the duplicate is in the second
            call.add(event("o-" + i));
        }
        call.add(again);
        inOneTransaction(connection -> assertThatThrownBy(() -> outbox.publisher.publishAll(connection, call))
                .isInstanceOfSatisfying(DuplicateEventException.class,
                        e -> assertThat(e.eventIds()).containsExactly(first.eventId())));
        assertThat(outbox.count("orders_outbox")).isEqualTo(1);
        assertThat(outbox.count("orders")).isEqualTo(1);
    }

    @Test
    void inAutoCommitModeWhatEarlierStatementsCommittedStaysAndTheRefusalSaysSo() throws Exception {
        OutboxEvent first = event("o-1");
        outbox.publishCommitted(List.of(first));
        List<OutboxEvent> call = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            call.add(event("o-" + i));
        }
        call.add(OutboxEvent.builder("order.placed").eventId(first.eventId()).json("{}").build());
        try (Connection autoCommit = outbox.database.dataSource().getConnection()) {
            assertThat(autoCommit.getAutoCommit()).isTrue();
            assertThatThrownBy(() -> outbox.publisher.publishAll(autoCommit, call))
                    .isInstanceOf(DuplicateEventException.class)
                    .hasMessageContaining("auto-commit").hasMessageContaining("600 other events this call wrote");
        }
        assertThat(outbox.count("orders_outbox")).as("committed rows are never deleted again").isEqualTo(601);
    }

    @Test
    void anEventIdGivenTwiceInOneCallIsADuplicate() throws Exception {
        UUID id = OutboxEvent.newEventId();
        OutboxEvent one = OutboxEvent.builder("order.placed").eventId(id).json("{}").build();
        OutboxEvent two = OutboxEvent.builder("invoice.issued").eventId(id).json("{}").build();
        inOneTransaction(connection -> assertThatThrownBy(() -> outbox.publisher.publishAll(connection,
                List.of(one, two))).isInstanceOf(DuplicateEventException.class).hasMessageContaining(id.toString()));
        assertThat(outbox.count("orders_outbox") + outbox.count("billing_outbox")).isZero();
    }

    @Test
    void aMissingTableFailsClearlyAndLeavesTheTransactionUsable() throws Exception {
        RouteRegistry missing = RouteRegistry.builder()
                .service("orders", s -> s.table("orders_outbox").topic("orders.events").event("order.placed"))
                .service("stock", s -> s.table("stock_outbox_not_migrated").topic("stock.events").event("stock.moved"))
                .build();
        OutboxPublisher publisher = OutboxPublisher.builder(missing).build();
        inOneTransaction(connection -> assertThatThrownBy(() -> publisher.publishAll(connection, List.of(
                event("o-1"), OutboxEvent.builder("stock.moved").json("{}").build())))
                .isInstanceOf(OutboxTableMissingException.class));
        assertThat(outbox.count("orders_outbox")).isZero();
        assertThat(outbox.count("orders")).isEqualTo(1);
    }

    @Test
    void headersMailroomWritesItselfAreRefused() throws Exception {
        inOneTransaction(connection -> assertThatThrownBy(() -> outbox.publisher.publish(connection,
                OutboxEvent.builder("order.placed").json("{}").header("ce_id", UUID.randomUUID().toString()).build()))
                .isInstanceOf(ReservedHeaderException.class).hasMessageContaining("ce_id"));
        assertThat(outbox.count("orders_outbox")).isZero();
    }

    @Test
    void nullArgumentsAreNamedNotNullPointers() throws Exception {
        inOneTransaction(connection -> {
            assertThatThrownBy(() -> outbox.publisher.publishAll(connection, Arrays.asList(event("o-1"), null)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("events[1]");
            assertThatThrownBy(() -> outbox.publisher.publishAll(connection, null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("events");
            assertThatThrownBy(() -> outbox.publisher.publish(connection, null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("event");
            assertThatThrownBy(() -> outbox.publisher.publish(null, event("o-1")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connection");
        });
        assertThat(outbox.count("orders_outbox")).isZero();
    }

    @Test
    void aTableNameThatWouldSpliceSqlIsRefusedBeforeAnyStatementRuns() throws Exception {
        List<String> names = List.of("orders_outbox; DROP TABLE orders", "orders_outbox -- ", "orders_outbox WHERE 1=1",
                "\"orders_outbox\"", "`orders_outbox`", "orders'outbox", "Orders_Outbox", "a.b.orders_outbox",
                "orders_outbox/**/", "");
        for (String name : names) {
            assertThatThrownBy(() -> RouteRegistry.builder()
                    .service("evil", s -> s.table(name).topic("evil.events").event("evil.done")).build())
                    .as(name).isInstanceOf(InvalidIdentifierException.class).hasMessageContaining("Table name");
            assertThatThrownBy(() -> OutboxStore.create(outbox.database.dataSource(), outbox.dialect, TableName.of(name),
                    RetryPolicy.defaults())).as(name).isInstanceOf(InvalidIdentifierException.class);
        }
        assertThat(outbox.count("orders")).as("the table is still there, and empty").isZero();
        assertThat(outbox.count("orders_outbox")).isZero();
    }

    /**
     * A producer in another language writes the SQL contract's one {@code INSERT} itself: what
     * would break the relay is refused by the schema ({@code CHECK}, {@code NOT NULL}, the column
     * types), not only by the Java API.
     */
    @Test
    void aPlainSqlInsertOfValuesTheRelayCannotUseIsRefusedByTheDatabaseAndWritesNothing() throws Exception {
        List<String> refused = List.of(
                "INSERT INTO orders_outbox (event_type, event_key, payload, headers)"
                        + " VALUES ('order.placed', 'o-1', '{}', '{\"origin\": ')",
                "INSERT INTO orders_outbox (event_id, event_type, payload) VALUES ('not-a-uuid', 'order.placed', '{}')",
                "INSERT INTO orders_outbox (event_id, event_type, payload)"
                        + " VALUES ('0190a0b4-5f5e-7c3a-9d1e-2f3a4b5c6d7', 'order.placed', '{}')",
                "INSERT INTO orders_outbox (event_type, payload) VALUES (NULL, '{}')",
                "INSERT INTO orders_outbox (event_type, payload) VALUES ('  ', '{}')",
                "INSERT INTO orders_outbox (event_type, payload) VALUES ('order.placed', NULL)",
                "INSERT INTO orders_outbox (event_type, payload, status) VALUES ('order.placed', '{}', 'archived')");
        for (String insert : refused) {
            assertThatThrownBy(() -> outbox.execute(insert)).as(insert).isInstanceOfSatisfying(SQLException.class,
                    e -> assertThat(outbox.dialect.classify(e)).as(e.getMessage()).isEqualTo(SqlErrorKind.INVALID_DATA));
        }
        assertThat(outbox.count("orders_outbox")).isZero();

        outbox.execute("INSERT INTO orders_outbox (event_type, event_key, payload)"
                + " VALUES ('order.placed', 'o-1', '{\"orderId\":\"o-1\"}')");
        assertThat(outbox.store.claim("relay", 10, Duration.ofMinutes(1))).singleElement().satisfies(row -> {
            assertThat(row.key()).isEqualTo("o-1");
            assertThat(new String(row.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"orderId\":\"o-1\"}");
            assertThat(row.headers()).isEmpty();
            assertThat(row.eventId()).isNotNull();
        });
    }

    @FunctionalInterface
    private interface TransactionWork {
        void run(Connection connection) throws Exception;
    }

    /** Runs the refusal, then the caller's own write in the same transaction, and commits: it must still work. */
    private void inOneTransaction(TransactionWork refusal) throws Exception {
        try (Connection connection = outbox.database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            refusal.run(connection);
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO orders VALUES ('" + UUID.randomUUID() + "')");
                try (ResultSet rs = statement.executeQuery("SELECT 1")) {
                    assertThat(rs.next()).isTrue();
                }
            }
            connection.commit();
        }
    }
}
