package dev.mailroom.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.operator.Actor;
import dev.mailroom.jdbc.operator.MessageFilter;
import dev.mailroom.jdbc.operator.OperatorMove;
import dev.mailroom.jdbc.operator.PageRequest;
import dev.mailroom.jdbc.operator.RelayHeartbeats;
import dev.mailroom.jdbc.operator.Selection;
import dev.mailroom.jdbc.schema.SchemaMigrator;
import dev.mailroom.ledger.CompensationLedger;
import dev.mailroom.ledger.LedgerFilter;
import dev.mailroom.ledger.LedgerItem;
import dev.mailroom.ledger.LedgerState;
import dev.mailroom.ledger.StaleVersionException;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.routing.TableName;
import dev.mailroom.state.OutboxState;
import dev.mailroom.testkit.db.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The operator operations as every face calls them, on each database. */
abstract class MailroomAdminContract {

    private static final RouteRegistry ROUTES = RouteRegistry.builder()
            .service("orders", s -> s.table("orders_outbox").topic("orders.events").consumerGroup("notifications")
                    .event("order.placed"))
            .service("billing", s -> s.table("billing_outbox").topic("billing.events").event("invoice.issued"))
            .build();
    private static final Actor ADA = new Actor("ada", "INC-7");

    private final TestDatabase database;
    private final SqlDialect dialect;
    private final CompensationLedger ledger;

    MailroomAdminContract(TestDatabase database) {
        this.database = database;
        this.dialect = SqlDialect.detect(database.dataSource());
        SchemaMigrator migrator = new SchemaMigrator(database.dataSource(), dialect);
        migrator.migrate(ROUTES);
        migrator.migrateInbox(TableName.of("notifications_inbox"), "mailroom_notifications_inbox");
        this.ledger = CompensationLedger.builder(database.dataSource()).dialect(dialect).build();
        ledger.migrate();
    }

    @BeforeEach
    void emptyTables() throws SQLException {
        for (String table : List.of("orders_outbox", "billing_outbox", "notifications_inbox", "mailroom_audit",
                "mailroom_relay_instances", CompensationLedger.DEFAULT_TABLE)) {
            execute("DELETE FROM " + table);
        }
    }

    @Test
    void theOverviewCountsEveryStateOfEveryOutboxAndInboxWithItsRelays() throws Exception {
        publish("orders_outbox", 5, "order.placed");
        publish("billing_outbox", 2, "invoice.issued");
        execute("UPDATE orders_outbox SET status = 'dead' WHERE event_key = 'k0'");
        execute("UPDATE orders_outbox SET attempts = 2 WHERE event_key = 'k1'");
        RelayHeartbeats.create(database.dataSource(), dialect).beat("relay-1", "orders", "host-a", "ROW_LOCK");

        MailroomAdmin admin = admin(false);
        assertThat(admin.mailboxes()).containsExactly(Mailbox.outbox("billing"), Mailbox.outbox("orders"),
                Mailbox.inbox("notifications"));
        List<MailboxOverview> overview = admin.overview();
        assertThat(overview).extracting(MailboxOverview::mailbox).containsExactlyElementsOf(admin.mailboxes());
        MailboxOverview orders = admin.overview(Mailbox.outbox("orders"));
        assertThat(orders.table()).isEqualTo("orders_outbox");
        assertThat(orders.counts()).containsEntry(OutboxState.PENDING, 4L).containsEntry(OutboxState.DEAD, 1L)
                .containsEntry(OutboxState.DISCARDED, 0L).hasSize(OutboxState.values().length);
        assertThat(orders.dead()).isOne();
        assertThat(orders.retrying()).isOne();
        assertThat(orders.oldestUndeliveredAge()).isPresent();
        assertThat(orders.relays()).singleElement().satisfies(relay -> {
            assertThat(relay.instanceId()).isEqualTo("relay-1");
            assertThat(relay.alive(admin.relayExpiry())).isTrue();
        });
        assertThat(admin.overview(Mailbox.outbox("billing")).relays()).as("only the service's own relays").isEmpty();
        assertThat(admin.overview(Mailbox.inbox("notifications")).counts()).containsEntry(OutboxState.PENDING, 0L);
    }

    @Test
    void anUnknownServiceOrGroupIsRefusedNamingTheKnownOnes() {
        MailroomAdmin admin = admin(true);
        assertThatThrownBy(() -> admin.overview(Mailbox.outbox("shipping")))
                .isInstanceOf(UnknownMailboxException.class).hasMessageContaining("shipping")
                .hasMessageContaining("[billing, orders]");
        assertThatThrownBy(() -> admin.search(Mailbox.inbox("orders"), MessageFilter.any(), PageRequest.first()))
                .isInstanceOf(UnknownMailboxException.class).hasMessageContaining("[notifications]");
    }

    @Test
    void writesAreRefusedUnlessEnabledWhilePreviewsAndReadsWork() throws Exception {
        publish("orders_outbox", 3, "order.placed");
        execute("UPDATE orders_outbox SET status = 'dead'");
        MailroomAdmin readOnly = admin(false);
        Selection all = Selection.matching(MessageFilter.any());

        assertThat(readOnly.preview(Mailbox.outbox("orders"), OperatorMove.REPLAY, all).rows()).isEqualTo(3);
        assertThatThrownBy(() -> readOnly.apply(Mailbox.outbox("orders"), OperatorMove.REPLAY, all, ADA))
                .isInstanceOf(WritesDisabledException.class).hasMessageContaining("read-only");
        assertThat(readOnly.count(Mailbox.outbox("orders"), MessageFilter.inState(OutboxState.DEAD))).isEqualTo(3);
        assertThat(readOnly.audit(null, null, null, 10)).isEmpty();

        MailroomAdmin writable = admin(true);
        assertThat(writable.apply(Mailbox.outbox("orders"), OperatorMove.REPLAY, all, ADA).rows()).isEqualTo(3);
        assertThat(writable.audit("outbox:orders", "replay", null, 10)).singleElement()
                .satisfies(record -> assertThat(record.actor()).isEqualTo("ada"));
    }

    @Test
    void theInboxIsSearchedAndRepairedLikeAnOutbox() throws Exception {
        publish("notifications_inbox", 2, "order.placed");
        execute("UPDATE notifications_inbox SET status = 'dead', last_error = 'handler refused it'");
        MailroomAdmin admin = admin(true);
        Mailbox inbox = Mailbox.inbox("notifications");
        assertThat(admin.search(inbox, MessageFilter.any().withErrorText("refused"), PageRequest.first()).items())
                .hasSize(2);
        assertThat(admin.apply(inbox, OperatorMove.DISCARD, Selection.matching(MessageFilter.any()), ADA).rows())
                .isEqualTo(2);
        assertThat(admin.audit("inbox:notifications", null, null, 10)).hasSize(1);
    }

    @Test
    void ledgerItemsAreTriagedWithTheirVersionAndTheLedgersOwnTrail() throws Exception {
        long id;
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            id = ledger.record(connection, "batch-1", "refund", 0, "{\"order\":1}", "gateway timeout");
            connection.commit();
        }
        MailroomAdmin admin = admin(true);
        LedgerItem item = admin.ledgerItems(LedgerFilter.all()).get(0);
        assertThat(item.id()).isEqualTo(id);
        assertThatThrownBy(() -> admin.resolve(id, item.version() + 5, ADA)).isInstanceOf(StaleVersionException.class);
        assertThat(admin.resolve(id, item.version(), ADA)).isEqualTo(LedgerState.RESOLVED);
        assertThat(admin.ledgerTrail(id)).last().satisfies(entry -> {
            assertThat(entry.actor()).isEqualTo("ada");
            assertThat(entry.notes()).isEqualTo("INC-7");
            assertThat(entry.to()).isEqualTo(LedgerState.RESOLVED);
        });
        assertThatThrownBy(() -> admin(false).abandon(id, item.version() + 1, ADA))
                .isInstanceOf(WritesDisabledException.class);
        MailroomAdmin withoutLedger = MailroomAdmin.builder(database.dataSource(), ROUTES).dialect(dialect).build();
        assertThatThrownBy(() -> withoutLedger.ledgerItems(LedgerFilter.all())).isInstanceOf(NoLedgerException.class);
    }

    @Test
    void relayInstancesAreEmptyWhenNobodyBeats() {
        assertThat(admin(false).relays()).isEmpty();
        assertThatThrownBy(() -> MailroomAdmin.builder(database.dataSource(), ROUTES).relayExpiry(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("relayExpiry");
    }

    private MailroomAdmin admin(boolean writes) {
        return MailroomAdmin.builder(database.dataSource(), ROUTES).dialect(dialect)
                .inbox("notifications", "notifications_inbox").ledger(ledger).writesEnabled(writes).build();
    }

    private void publish(String table, int count, String type) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            for (int i = 0; i < count; i++) {
                statement.execute("INSERT INTO " + table + " (event_type, event_key, payload) VALUES ('" + type
                        + "', 'k" + i + "', '{}')");
            }
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
