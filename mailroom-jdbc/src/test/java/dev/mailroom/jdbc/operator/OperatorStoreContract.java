package dev.mailroom.jdbc.operator;

import static dev.mailroom.jdbc.OutboxFixture.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.event.OutboxEvent;
import dev.mailroom.jdbc.OutboxFixture;
import dev.mailroom.jdbc.store.LockedBatch;
import dev.mailroom.jdbc.store.OutboxRow;
import dev.mailroom.jdbc.store.OutboxStore;
import dev.mailroom.state.OutboxState;
import dev.mailroom.testkit.db.TestDatabase;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Searching rows, the operator's moves on dead ones and their audit records, on each database. */
abstract class OperatorStoreContract {

    private static final Duration LEASE = Duration.ofMinutes(1);
    private static final Actor ADA = new Actor("ada", "broker fixed, INC-42");

    private OutboxFixture outbox;
    private OutboxStore store;
    private OperatorStore operator;
    private AuditLog audit;

    @BeforeEach
    void emptyTables(TestDatabase database) throws SQLException {
        outbox = new OutboxFixture(database);
        store = outbox.store;
        outbox.reset();
        outbox.execute("DELETE FROM mailroom_audit");
        operator = OperatorStore.create(database.dataSource(), outbox.dialect, OutboxFixture.ORDERS.table(),
                "outbox:orders", OutboxFixture.ORDERS.notifyChannel());
        audit = AuditLog.create(database.dataSource(), outbox.dialect);
    }

    @Test
    void searchFiltersOnEveryConditionAndPagesByKeysetWithoutGapsOrOverlaps() throws Exception {
        List<OutboxEvent> events = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            events.add(OutboxEvent.builder(i % 5 == 0 ? "order.cancelled" : "order.placed").key("k" + (i % 3))
                    .tenantId(i < 10 ? "acme" : "globex").correlationId("corr-" + i).json("{\"n\":" + i + "}").build());
        }
        List<UUID> eventIds = outbox.publishCommitted(events);
        killWithError(List.of(3L, 4L), "Broker said: TOPIC_AUTHORIZATION_FAILED");

        assertThat(total(MessageFilter.any())).isEqualTo(25);
        assertThat(total(MessageFilter.inState(OutboxState.DEAD))).isEqualTo(2);
        assertThat(total(MessageFilter.any().withEventType("order.cancelled"))).isEqualTo(5);
        assertThat(total(MessageFilter.any().withKey("k1"))).isEqualTo(8);
        assertThat(total(MessageFilter.any().withTenantId("acme"))).isEqualTo(10);
        assertThat(total(MessageFilter.any().withCorrelationId("corr-7"))).isEqualTo(1);
        assertThat(operator.search(MessageFilter.any().withEventId(eventIds.get(12)), PageRequest.first()).items())
                .singleElement().satisfies(row -> {
                    assertThat(row.id()).isEqualTo(13);
                    assertThat(row.eventId()).isEqualTo(eventIds.get(12));
                    assertThat(row.payloadBytes()).isEqualTo("{\"n\":12}".length());
                });
        assertThat(total(MessageFilter.any().withErrorText("topic_authorization"))).as("case-blind").isEqualTo(2);
        assertThat(total(MessageFilter.inState(OutboxState.PENDING).withKey("k0").withTenantId("acme")))
                .as("conditions combine: 0, 6 and 9 (3 is dead)").isEqualTo(3);
        Instant future = Instant.now().plus(Duration.ofHours(1));
        assertThat(total(MessageFilter.any().withCreated(future, future.plusSeconds(60)))).isZero();
        assertThat(total(MessageFilter.any().withCreated(Instant.now().minus(Duration.ofHours(1)), future)))
                .isEqualTo(25);

        for (boolean newestFirst : new boolean[] {true, false}) {
            List<Long> seen = new ArrayList<>();
            Long cursor = null;
            do {
                MessagePage page = operator.search(MessageFilter.any(), new PageRequest(cursor, 7, newestFirst));
                page.items().forEach(row -> seen.add(row.id()));
                cursor = page.next();
            } while (cursor != null);
            List<Long> expected = new ArrayList<>();
            for (long id = 1; id <= 25; id++) {
                expected.add(id);
            }
            if (newestFirst) {
                java.util.Collections.reverse(expected);
            }
            assertThat(seen).as("newest first: %s", newestFirst).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void filterValuesAreBoundNeverSqlSoInjectionMatchesNothingAndChangesNothing() throws Exception {
        outbox.publishKeys("a", "b");
        List<String> attacks = List.of("' OR '1'='1", "a'; DROP TABLE orders_outbox; --", "\\' OR 1=1 #",
                "%", "_", "a\" OR \"\"=\"", "1) OR (1=1");
        for (String attack : attacks) {
            assertThat(total(MessageFilter.any().withKey(attack))).as(attack).isZero();
            assertThat(total(MessageFilter.any().withEventType(attack))).as(attack).isZero();
            assertThat(total(MessageFilter.any().withErrorText(attack))).as(attack).isZero();
            assertThat(operator.apply(OperatorMove.REPLAY, Selection.matching(MessageFilter.any().withKey(attack)),
                    ADA).rows()).isZero();
        }
        assertThat(outbox.count("orders_outbox")).isEqualTo(2);
    }

    @Test
    void badFiltersPagesAndActorsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> new PageRequest(null, 0, true)).isInstanceOf(InvalidFilterException.class)
                .extracting(e -> ((InvalidFilterException) e).field()).isEqualTo("limit");
        assertThatThrownBy(() -> new PageRequest(null, PageRequest.MAX_LIMIT + 1, true))
                .isInstanceOf(InvalidFilterException.class);
        assertThatThrownBy(() -> MessageFilter.any().withKey("x".repeat(MessageFilter.MAX_TEXT_LENGTH + 1)))
                .isInstanceOf(InvalidFilterException.class).hasMessageContaining("key");
        assertThatThrownBy(() -> MessageFilter.any().withErrorText("a\0b")).isInstanceOf(InvalidFilterException.class)
                .hasMessageContaining("errorText");
        Instant now = Instant.now();
        assertThatThrownBy(() -> MessageFilter.any().withCreated(now, now.minusSeconds(1)))
                .isInstanceOf(InvalidFilterException.class).hasMessageContaining("createdFrom");
        assertThatThrownBy(() -> Selection.ids(List.of())).isInstanceOf(InvalidFilterException.class);
        assertThatThrownBy(() -> new Actor(" ", "why")).isInstanceOf(InvalidFilterException.class)
                .hasMessageContaining("operator");
        assertThatThrownBy(() -> new Actor("ada", "")).isInstanceOf(InvalidFilterException.class)
                .hasMessageContaining("reason");
    }

    @Test
    void replayMakesDeadRowsDueAgainWithAttemptsResetAndTheirErrorKeptOnceAndAudited() throws Exception {
        outbox.publishKeys("a", "b", "c");
        killWithError(List.of(1L, 2L), "poison");

        MovePreview preview = operator.preview(OperatorMove.REPLAY, Selection.ids(List.of(1L, 2L, 3L)));
        assertThat(preview.rows()).as("row 3 is not dead").isEqualTo(2);
        assertThat(preview.firstIds()).containsExactly(1L, 2L);
        assertThat(outbox.queryLong("SELECT count(*) FROM orders_outbox WHERE status = 'dead'"))
                .as("a preview changes nothing").isEqualTo(2);

        MoveResult result = operator.apply(OperatorMove.REPLAY, Selection.ids(List.of(1L, 2L, 3L)), ADA);
        assertThat(result.rows()).isEqualTo(2);
        OutboxRow replayed = operator.find(1L).orElseThrow();
        assertThat(replayed.state()).isEqualTo(OutboxState.PENDING);
        assertThat(replayed.attempts()).isZero();
        assertThat(replayed.lastError()).as("the old error stays visible").isEqualTo("poison");
        assertThat(ids(store.claim("relay", 10, LEASE))).containsExactly(1L, 2L, 3L);

        assertThat(operator.apply(OperatorMove.REPLAY, Selection.ids(List.of(1L, 2L)), ADA).rows())
                .as("a second replay finds nothing dead").isZero();
        List<AuditRecord> records = audit.read("outbox:orders", "replay", null, 10);
        assertThat(records).hasSize(2);
        AuditRecord first = records.get(1);
        assertThat(first.id()).isEqualTo(result.auditId());
        assertThat(first.actor()).isEqualTo("ada");
        assertThat(first.reason()).isEqualTo("broker fixed, INC-42");
        assertThat(first.rowsChanged()).isEqualTo(2);
        assertThat(first.selection()).isEqualTo("{\"ids\":[1,2,3]}");
        assertThat(first.at()).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(60));
    }

    @Test
    void replayByFilterPreviewsThenChangesExactlyTheMatchingDeadRows() throws Exception {
        List<OutboxEvent> events = new ArrayList<>();
        for (int i = 0; i < 1_200; i++) {
            events.add(OutboxFixture.event("k" + (i % 40)));
        }
        outbox.publishCommitted(events);
        outbox.execute("UPDATE orders_outbox SET status = 'dead', last_error = CASE WHEN id <= 1100 THEN"
                + " 'broker down' ELSE 'bad payload' END WHERE id <= 1150");
        Selection brokerDown = Selection.matching(MessageFilter.any().withErrorText("BROKER DOWN"));

        MovePreview preview = operator.preview(OperatorMove.REPLAY, brokerDown);
        assertThat(preview.rows()).isEqualTo(1_100);
        assertThat(preview.firstIds()).hasSize(MovePreview.SHOWN).startsWith(1L, 2L, 3L);
        assertThat(operator.preview(OperatorMove.REPLAY,
                Selection.matching(MessageFilter.inState(OutboxState.PENDING)))).extracting(MovePreview::rows)
                .as("a filter for other states selects nothing to replay").isEqualTo(0L);

        MoveResult result = operator.apply(OperatorMove.REPLAY, brokerDown, ADA);
        assertThat(result.rows()).as("more than one chunk").isEqualTo(1_100);
        assertThat(outbox.queryLong("SELECT count(*) FROM orders_outbox WHERE status = 'dead'")).isEqualTo(50);
        assertThat(operator.preview(OperatorMove.REPLAY, brokerDown).rows()).isZero();
        assertThat(audit.read("outbox:orders", null, null, 1)).singleElement()
                .satisfies(record -> assertThat(record.selection())
                        .isEqualTo("{\"filter\":{\"errorText\":\"BROKER DOWN\"}}"));
    }

    @Test
    void discardSetsDeadRowsAsideForGoodAndFreesTheirKeys() throws Exception {
        OutboxStore holding = store.withKeysHeldByDeadEventsOf(java.util.Set.of("order.placed"));
        outbox.publishKeys("a", "a");
        outbox.execute("UPDATE orders_outbox SET max_attempts = 1 WHERE id = 1");
        holding.markFailed("relay", holding.claimInKeyOrder("relay", 1, LEASE).get(0), "poison");
        assertThat(holding.claimInKeyOrder("relay", 10, LEASE)).as("row 1 holds key a").isEmpty();

        assertThat(operator.apply(OperatorMove.DISCARD, Selection.ids(List.of(1L, 2L)), ADA).rows()).isOne();
        assertThat(operator.find(1L).orElseThrow()).satisfies(row -> {
            assertThat(row.state()).isEqualTo(OutboxState.DISCARDED);
            assertThat(row.holdsKey()).isFalse();
        });
        assertThat(ids(holding.claimInKeyOrder("relay", 10, LEASE))).containsExactly(2L);
        assertThat(operator.apply(OperatorMove.REPLAY, Selection.ids(List.of(1L)), ADA).rows())
                .as("discarded is final").isZero();
    }

    @Test
    void aDeadRowOfAKeyHoldingTypeHoldsItsKeyInBothClaimModesUntilSkipped() throws Exception {
        OutboxStore holding = store.withKeysHeldByDeadEventsOf(java.util.Set.of("order.placed"));
        outbox.publishKeys("a", "a", "b", "a");
        outbox.execute("UPDATE orders_outbox SET max_attempts = 1 WHERE id = 1");
        try (LockedBatch batch = holding.lockOrNextDue(10, true)) {
            assertThat(ids(batch.rows())).containsExactly(1L, 3L);
            batch.settle(List.of(3L), List.of(new dev.mailroom.jdbc.store.DeliveryFailure(batch.rows().get(0), "poison")));
        }
        assertThat(operator.find(1L).orElseThrow()).satisfies(row -> {
            assertThat(row.state()).isEqualTo(OutboxState.DEAD);
            assertThat(row.holdsKey()).isTrue();
        });
        try (LockedBatch batch = holding.lockOrNextDue(10, true)) {
            assertThat(batch.rows()).as("rows 2 and 4 wait behind dead row 1").isEmpty();
            assertThat(batch.nextDueIn()).as("looked at again, not spun on").hasValueSatisfying(
                    due -> assertThat(due).isGreaterThanOrEqualTo(Duration.ofMillis(500)));
        }
        assertThat(holding.claimInKeyOrder("relay", 10, LEASE)).as("lease claims hold it too").isEmpty();
        assertThat(holding.claimOrNextDue("relay", 10, LEASE, true).nextDueIn())
                .as("a lease claimer looks again soon for a key an operator frees").hasValue(Duration.ofSeconds(1));
        assertThat(store.claimInKeyOrder("relay", 10, LEASE)).as("a store whose types hold no keys").hasSize(1);
        store.release("relay", List.of(2L));
        assertThat(operator.heldKeys(10)).singleElement().satisfies(held -> {
            assertThat(held.id()).isEqualTo(1L);
            assertThat(held.key()).isEqualTo("a");
            assertThat(held.lastError()).isEqualTo("poison");
            assertThat(held.waiting()).isEqualTo(2);
        });
        assertThat(operator.holding()).isOne();

        assertThat(operator.preview(OperatorMove.SKIP, Selection.ids(List.of(1L, 2L))).rows()).isOne();
        assertThat(operator.apply(OperatorMove.SKIP, Selection.ids(List.of(1L)), ADA).rows()).isOne();
        assertThat(operator.find(1L).orElseThrow().state()).as("it stays dead").isEqualTo(OutboxState.DEAD);
        assertThat(operator.heldKeys(10)).isEmpty();
        assertThat(ids(holding.claimInKeyOrder("relay", 10, LEASE))).as("the key moves on, in order")
                .containsExactly(2L);
    }

    @Test
    void replayingTheRowThatHoldsItsKeyDeliversItFirstThenTheRest() throws Exception {
        OutboxStore holding = store.withKeysHeldByDeadEventsOf(java.util.Set.of("order.placed"));
        outbox.publishKeys("a", "a");
        outbox.execute("UPDATE orders_outbox SET max_attempts = 1 WHERE id = 1");
        OutboxRow first = holding.claimInKeyOrder("relay", 1, LEASE).get(0);
        assertThat(holding.markDead(first.id(), "relay", "unparseable")).isTrue();
        assertThat(operator.find(1L).orElseThrow().holdsKey()).as("poison holds its key too").isTrue();

        assertThat(operator.apply(OperatorMove.REPLAY, Selection.matching(MessageFilter.any().withHoldingOnly()), ADA)
                .rows()).isOne();
        assertThat(ids(holding.claimInKeyOrder("relay", 10, LEASE))).containsExactly(1L);
        holding.markPublished("relay", List.of(1L));
        assertThat(ids(holding.claimInKeyOrder("relay", 10, LEASE))).containsExactly(2L);
    }

    @Test
    void aDeadRowOfATypeThatDoesNotHoldKeysLetsItsKeyMoveOn() throws Exception {
        OutboxStore holding = store.withKeysHeldByDeadEventsOf(java.util.Set.of("order.cancelled"));
        outbox.publishKeys("a", "a");
        outbox.execute("UPDATE orders_outbox SET max_attempts = 1 WHERE id = 1");
        holding.markFailed("relay", holding.claimInKeyOrder("relay", 1, LEASE).get(0), "poison");
        assertThat(operator.find(1L).orElseThrow().holdsKey()).isFalse();
        assertThat(ids(holding.claimInKeyOrder("relay", 10, LEASE))).containsExactly(2L);
    }

    @Test
    void aLeaseThatExpiresAtTheLastAttemptHoldsTheKeyOfAKeyHoldingType() throws Exception {
        OutboxStore holding = store.withKeysHeldByDeadEventsOf(java.util.Set.of("order.placed"));
        outbox.publishKeys("a", "a");
        outbox.execute("UPDATE orders_outbox SET max_attempts = 1 WHERE id = 1");
        holding.claimInKeyOrder("crashed", 1, Duration.ofMillis(1));
        outbox.execute("UPDATE orders_outbox SET lease_expires_at = " + outbox.sql.nowPlus(Duration.ofSeconds(-5))
                + " WHERE id = 1");
        assertThat(holding.reclaimExpiredLeases(10)).isOne();
        assertThat(operator.find(1L).orElseThrow()).satisfies(row -> {
            assertThat(row.state()).isEqualTo(OutboxState.DEAD);
            assertThat(row.holdsKey()).isTrue();
        });
        assertThat(holding.claimInKeyOrder("relay", 10, LEASE)).isEmpty();
    }

    @Test
    void aKeyHeldWithALongTailDoesNotStarveOtherKeys() throws Exception {
        OutboxStore holding = store.withKeysHeldByDeadEventsOf(java.util.Set.of("order.placed"));
        List<OutboxEvent> events = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            events.add(OutboxFixture.event("held"));
        }
        events.add(OutboxFixture.event("free"));
        outbox.publishCommitted(events);
        outbox.execute("UPDATE orders_outbox SET max_attempts = 1 WHERE id = 1");
        holding.markFailed("relay", holding.claimInKeyOrder("relay", 1, LEASE).get(0), "poison");
        assertThat(ids(holding.claimInKeyOrder("relay", 5, LEASE))).as("past a window full of held rows")
                .containsExactly(101L);
    }

    @Test
    void relayInstancesAreAliveWhileTheyBeatAndStoppedWhenTheySayGoodbye(TestDatabase database) throws SQLException {
        RelayHeartbeats heartbeats = RelayHeartbeats.create(database.dataSource(), outbox.dialect);
        outbox.execute("DELETE FROM mailroom_relay_instances");
        heartbeats.beat("relay-1", "orders", "host-a", "ROW_LOCK");
        heartbeats.beat("relay-2", "orders", "host-b", "LEASE");
        heartbeats.beat("relay-1", "orders", "host-a", "ROW_LOCK");
        heartbeats.stopped("relay-2");

        assertThat(heartbeats.instances()).hasSize(2).anySatisfy(instance -> {
            assertThat(instance.instanceId()).isEqualTo("relay-1");
            assertThat(instance.host()).isEqualTo("host-a");
            assertThat(instance.claimMode()).isEqualTo("ROW_LOCK");
            assertThat(instance.alive(Duration.ofSeconds(30))).isTrue();
            assertThat(instance.startedAt()).isBeforeOrEqualTo(instance.lastSeenAt());
        }).anySatisfy(instance -> {
            assertThat(instance.instanceId()).isEqualTo("relay-2");
            assertThat(instance.stoppedAt()).isNotNull();
            assertThat(instance.alive(Duration.ofSeconds(30))).isFalse();
        });
        assertThat(heartbeats.instances().get(0).alive(Duration.ofNanos(-1))).as("silent past its expiry").isFalse();
        assertThat(heartbeats.forgetSilentSince(Instant.now().plusSeconds(60))).isEqualTo(2);
        assertThat(heartbeats.instances()).isEmpty();
    }

    private long total(MessageFilter filter) {
        return operator.count(filter);
    }

    private void killWithError(List<Long> ids, String error) throws SQLException {
        for (long id : ids) {
            outbox.execute("UPDATE orders_outbox SET status = 'dead', last_error = '" + error + "' WHERE id = " + id);
        }
    }
}
