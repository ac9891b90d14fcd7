package dev.mailroom.jdbc.publish;

import static dev.mailroom.jdbc.OutboxFixture.ORDERS;
import static dev.mailroom.jdbc.OutboxFixture.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.jdbc.OutboxFixture;
import dev.mailroom.jdbc.schema.SchemaMigrator;
import dev.mailroom.jdbc.store.OutboxRow;
import dev.mailroom.state.OutboxState;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** Publishing wakes listeners on commit only, whether the row came from Java or from plain SQL. */
@WithPostgres
class NotifyOnCommitPostgresTest {

    private final OutboxFixture outbox;
    private Connection listener;

    NotifyOnCommitPostgresTest(TestDatabase database) {
        this.outbox = new OutboxFixture(database);
    }

    @BeforeEach
    void listen() throws SQLException {
        outbox.reset();
        listener = outbox.database.openConnection();
        try (Statement statement = listener.createStatement()) {
            statement.execute("LISTEN \"" + ORDERS.notifyChannel() + "\"");
        }
    }

    @AfterEach
    void stopListening() throws SQLException {
        listener.close();
    }

    @Test
    void aCommittedPublishNotifiesTheServiceChannelOnce() throws Exception {
        outbox.publishCommitted(List.of(event("a"), event("b")));
        outbox.publishCommitted(List.of(event("c")));
        List<PGNotification> received = awaitNotifications(2);
        assertThat(received).extracting(PGNotification::getName).containsOnly(ORDERS.notifyChannel());
        assertThat(received).as("one per transaction").hasSize(2);
    }

    @Test
    void theMigrationsInstallTheNotifyTriggerOnTheServiceChannel() throws Exception {
        String rendered = new SchemaMigrator(outbox.database.dataSource(), outbox.dialect).render(ORDERS);
        assertThat(rendered).contains("CREATE TRIGGER orders_outbox_notify")
                .contains("mailroom_notify('" + ORDERS.notifyChannel() + "')");
        assertThat(outbox.queryLong("SELECT count(*) FROM pg_trigger WHERE tgname = 'orders_outbox_notify'"
                + " AND tgrelid = 'orders_outbox'::regclass")).isOne();
    }

    @Test
    void aRolledBackPublishNotifiesNobody() throws Exception {
        try (Connection connection = outbox.database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            outbox.publisher.publish(connection, event("a"));
            connection.rollback();
        }
        outbox.publishCommitted(List.of(OutboxFixture.event("marker")));
        assertThat(awaitNotifications(1)).hasSize(1);
        assertThat(awaitNotifications(1)).as("nothing from the rolled-back transaction").isEmpty();
    }

    @Test
    void notificationArrivesOnlyAfterCommit() throws Exception {
        try (Connection connection = outbox.database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            outbox.publisher.publish(connection, event("a"));
            assertThat(poll(200)).as("before commit").isEmpty();
            connection.commit();
        }
        assertThat(awaitNotifications(1)).hasSize(1);
    }

    @Test
    void aPlainSqlInsertFromAnotherLanguageWakesListenersAndGetsEveryDefault() throws Exception {
        try (Connection connection = outbox.database.openConnection();
             Statement statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO orders_outbox (event_type, event_key, payload) "
                    + "VALUES ('order.placed', 'o-9', convert_to('{\"order\":\"o-9\"}', 'UTF8'))");
            assertThat(awaitNotifications(1)).hasSize(1);
        }

        UUID eventId = UUID.fromString(outbox.queryString("SELECT event_id FROM orders_outbox"));
        OutboxRow row = outbox.store.find(eventId).orElseThrow();
        assertThat(row.state()).isEqualTo(OutboxState.PENDING);
        assertThat(row.key()).isEqualTo("o-9");
        assertThat(new String(row.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"order\":\"o-9\"}");
        assertThat(row.contentType()).isEqualTo("application/json");
        assertThat(row.correlationId()).isEqualTo(eventId.toString());
        assertThat(row.eventVersion()).isEqualTo(1);
        assertThat(row.maxAttempts()).isEqualTo(20);
        assertThat(row.headers()).isEmpty();
        assertThat(row.nextAttemptAt()).isNotNull();
        assertThat(outbox.store.claim("relay-1", 10, java.time.Duration.ofSeconds(30)))
                .extracting(OutboxRow::eventId).containsExactly(eventId);
    }

    @Test
    void theSqlContractRefusesRowsTheRelayCouldNeverDeliver() throws Exception {
        try (Connection connection = outbox.database.openConnection();
             Statement statement = connection.createStatement()) {
            for (String bad : new String[] {
                    "INSERT INTO orders_outbox (event_type, payload) VALUES ('', 'x')",
                    "INSERT INTO orders_outbox (event_type) VALUES ('order.placed')",
                    "INSERT INTO orders_outbox (event_type, payload, status) VALUES ('order.placed', 'x', 'lost')",
                    "INSERT INTO orders_outbox (event_type, payload, event_version) VALUES ('order.placed', 'x', 0)"}) {
                try {
                    statement.executeUpdate(bad);
                    throw new AssertionError("accepted: " + bad);
                } catch (SQLException expected) {
                    assertThat(expected.getSQLState()).as(bad).startsWith("23");
                }
            }
        }
        assertThat(outbox.count("orders_outbox")).isZero();
    }

    private List<PGNotification> awaitNotifications(int expected) throws SQLException {
        List<PGNotification> received = new ArrayList<>();
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (received.size() < expected && System.nanoTime() < deadline) {
            received.addAll(poll(100));
        }
        received.addAll(poll(50));
        return received;
    }

    /**
     * This test's notifications: the channel is database-wide, so tests of other schemas publishing
     * for an "orders" service notify it too; only those sent by a live session of this test's
     * schema (its application name) count.
     */
    private List<PGNotification> poll(int timeoutMillis) throws SQLException {
        PGNotification[] notifications = listener.unwrap(PGConnection.class).getNotifications(timeoutMillis);
        if (notifications == null) {
            return List.of();
        }
        Set<Integer> ours = new HashSet<>();
        try (Statement statement = listener.createStatement();
             ResultSet rs = statement.executeQuery("SELECT pid FROM pg_stat_activity"
                     + " WHERE application_name = current_setting('application_name')")) {
            while (rs.next()) {
                ours.add(rs.getInt(1));
            }
        }
        return Arrays.stream(notifications).filter(notification -> ours.contains(notification.getPID())).toList();
    }
}
