package dev.mailroom.jdbc.publish;

import static dev.mailroom.jdbc.OutboxFixture.ROUTES;
import static dev.mailroom.jdbc.OutboxFixture.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.event.BlankEventTypeException;
import dev.mailroom.event.HeadersTooLargeException;
import dev.mailroom.event.InvalidJsonPayloadException;
import dev.mailroom.event.OutboxEvent;
import dev.mailroom.event.PayloadTooLargeException;
import dev.mailroom.event.PublishLimits;
import dev.mailroom.jdbc.OutboxFixture;
import dev.mailroom.jdbc.OutboxTableMissingException;
import dev.mailroom.jdbc.store.OutboxRow;
import dev.mailroom.routing.ForeignEventTypeException;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.routing.UnknownEventTypeException;
import dev.mailroom.state.OutboxState;
import dev.mailroom.testkit.db.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingConsumer;

abstract class OutboxPublisherContract {

    private OutboxFixture outbox;

    @BeforeEach
    void emptyTables(TestDatabase database) throws SQLException {
        outbox = new OutboxFixture(database);
        outbox.reset();
    }

    @Test
    void aRolledBackTransactionPublishesNothing() throws Exception {
        try (Connection connection = outbox.database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            outbox.publisher.publish(connection, event("o-1"));
            outbox.publisher.publishAll(connection, List.of(event("o-2"), event("o-3")));
            connection.rollback();
        }
        assertThat(outbox.count("orders_outbox")).isZero();
    }

    @Test
    void aCommittedTransactionPublishesExactlyItsEventsWithAllTheirFields() throws Exception {
        OutboxEvent full = OutboxEvent.builder("order.placed").key("o-7")
                .json("{\"order\":\"o-7\",\"total\":12.5}")
                .tenantId("acme").correlationId("checkout-42").eventVersion(3)
                .header("origin", "web").header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .build();
        UUID plainId;
        try (Connection connection = outbox.database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            outbox.publisher.publish(connection, full);
            plainId = outbox.publisher.publish(connection, "order.cancelled", null, "[1,2]");
            connection.commit();
        }
        assertThat(outbox.count("orders_outbox")).isEqualTo(2);

        OutboxRow row = outbox.store.find(full.eventId()).orElseThrow();
        assertThat(row.eventType()).isEqualTo("order.placed");
        assertThat(row.key()).isEqualTo("o-7");
        assertThat(new String(row.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"order\":\"o-7\",\"total\":12.5}");
        assertThat(row.contentType()).isEqualTo("application/json");
        assertThat(row.tenantId()).isEqualTo("acme");
        assertThat(row.correlationId()).isEqualTo("checkout-42");
        assertThat(row.eventVersion()).isEqualTo(3);
        assertThat(row.headers()).containsEntry("origin", "web").hasSize(2);
        assertThat(row.state()).isEqualTo(OutboxState.PENDING);
        assertThat(row.attempts()).isZero();
        assertThat(row.maxAttempts()).isEqualTo(20);

        OutboxRow plain = outbox.store.find(plainId).orElseThrow();
        assertThat(plain.key()).isNull();
        assertThat(plain.correlationId()).as("defaults to the event id").isEqualTo(plainId.toString());
        assertThat(plain.headers()).isEmpty();
    }

    @Test
    void payloadBytesAreStoredExactly() throws Exception {
        String json = "{\"b\":1,\"a\":2,  \"s\":\"caf\\u00e9 \u00e9\"}";
        UUID id = outbox.publishCommitted(List.of(OutboxEvent.builder("order.placed").json(json).build())).get(0);
        assertThat(new String(outbox.store.find(id).orElseThrow().payload(), StandardCharsets.UTF_8)).isEqualTo(json);
        byte[] binary = {0, 1, (byte) 0xff, 0};
        UUID binaryId = outbox.publishCommitted(List.of(
                OutboxEvent.builder("order.placed").payload(binary, "application/octet-stream").build())).get(0);
        assertThat(outbox.store.find(binaryId).orElseThrow().payload()).containsExactly(binary);
    }

    @Test
    void publishAllWritesManyEventsAcrossStatementChunksInOrder() throws Exception {
        int count = OutboxPublisher.MAX_ROWS_PER_STATEMENT * 2 + 7;
        List<UUID> ids = outbox.publishCommitted(count);
        assertThat(ids).hasSize(count).doesNotHaveDuplicates();
        assertThat(outbox.count("orders_outbox")).isEqualTo(count);
        assertThat(outbox.queryString("SELECT event_id FROM orders_outbox ORDER BY id LIMIT 1"))
                .isEqualTo(ids.get(0).toString());
        assertThat(outbox.queryString("SELECT event_id FROM orders_outbox ORDER BY id DESC LIMIT 1"))
                .isEqualTo(ids.get(count - 1).toString());
    }

    @Test
    void eventsOfSeveralServicesGoToTheirOwnTables() throws Exception {
        outbox.publishCommitted(List.of(event("o-1"),
                OutboxEvent.builder("invoice.issued").key("i-1").json("{}").build(), event("o-2")));
        assertThat(outbox.count("orders_outbox")).isEqualTo(2);
        assertThat(outbox.count("billing_outbox")).isEqualTo(1);
    }

    @Test
    void anUnknownEventTypeWritesNothingEvenInsideABatch() throws Exception {
        assertRefusedAndNothingWritten(UnknownEventTypeException.class, connection -> outbox.publisher.publishAll(
                connection, List.of(event("o-1"), OutboxEvent.builder("order.shipped").json("{}").build())));
    }

    @Test
    void aPublisherBoundToAServiceRefusesAnotherServicesEvents() throws Exception {
        OutboxPublisher orders = OutboxPublisher.builder(ROUTES).boundTo("orders").build();
        assertRefusedAndNothingWritten(ForeignEventTypeException.class, connection -> orders.publishAll(connection,
                List.of(event("o-1"), OutboxEvent.builder("invoice.issued").json("{}").build())));
        assertThat(outbox.count("billing_outbox")).isZero();
    }

    @Test
    void eachBadInputGetsItsSpecificExceptionAndLeavesTheTableUnchanged() throws Exception {
        outbox.publishCommitted(List.of(event("existing")));
        OutboxPublisher strict = OutboxPublisher.builder(ROUTES)
                .limits(PublishLimits.defaults().withMaxPayloadBytes(100).withMaxHeaderBytes(50)).build();

        assertRefused(BlankEventTypeException.class, c -> strict.publish(c, OutboxEvent.builder(" ").json("{}").build()));
        assertRefused(PayloadTooLargeException.class, c -> strict.publish(c,
                OutboxEvent.builder("order.placed").json("{\"x\":\"" + "a".repeat(200) + "\"}").build()));
        assertRefused(InvalidJsonPayloadException.class, c -> strict.publish(c, "order.placed", "k", "{oops"));
        assertRefused(HeadersTooLargeException.class, c -> strict.publish(c,
                OutboxEvent.builder("order.placed").json("{}").header("h", "x".repeat(60)).build()));
        assertRefused(PayloadTooLargeException.class, c -> outbox.publisher.publish(c,
                OutboxEvent.builder("order.placed").json("\"" + "a".repeat(PublishLimits.DEFAULT_MAX_PAYLOAD_BYTES) + "\"")
                        .build()));

        assertThat(outbox.count("orders_outbox")).isEqualTo(1);
    }

    @Test
    void aMissingOutboxTableIsAClearError() throws Exception {
        RouteRegistry unmigrated = RouteRegistry.builder()
                .service("ghost", s -> s.table("ghost_outbox").topic("ghost").event("ghost.seen")).build();
        OutboxPublisher publisher = OutboxPublisher.builder(unmigrated).build();
        try (Connection connection = outbox.database.dataSource().getConnection()) {
            assertThatThrownBy(() -> publisher.publish(connection, "ghost.seen", "g", "{}"))
                    .isInstanceOf(OutboxTableMissingException.class)
                    .hasMessageContaining("ghost_outbox")
                    .hasMessageContaining("SchemaMigrator");
        }
    }

    @Test
    void theCallersTransactionSettingsAreLeftAlone() throws Exception {
        try (Connection connection = outbox.database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            outbox.publisher.publish(connection, event("o-1"));
            assertThat(connection.getAutoCommit()).isFalse();
            try (Connection other = outbox.database.dataSource().getConnection()) {
                assertThat(other.createStatement().executeQuery("SELECT count(*) FROM orders_outbox"))
                        .satisfies(rs -> {
                            rs.next();
                            assertThat(rs.getInt(1)).as("not visible before commit").isZero();
                        });
            }
            connection.commit();
        }
        assertThat(outbox.count("orders_outbox")).isEqualTo(1);
    }

    private void assertRefusedAndNothingWritten(Class<? extends Exception> expected, ThrowingConsumer<Connection> publish)
            throws Exception {
        assertRefused(expected, publish);
        assertThat(outbox.count("orders_outbox")).isZero();
    }

    /** Runs the publish in a transaction that the test then commits, as a careless caller would. */
    private void assertRefused(Class<? extends Exception> expected, ThrowingConsumer<Connection> publish)
            throws Exception {
        try (Connection connection = outbox.database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            assertThatThrownBy(() -> publish.accept(connection)).isInstanceOf(expected);
            connection.commit();
        }
    }
}
