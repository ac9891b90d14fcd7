package dev.mailroom.jdbc.store;

import static dev.mailroom.jdbc.OutboxFixture.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mailroom.jdbc.OutboxFixture;
import dev.mailroom.jdbc.dialect.DeletedRows;
import dev.mailroom.jdbc.dialect.OutboxOperations;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.state.OutboxState;
import dev.mailroom.testkit.db.TestDatabase;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

abstract class OutboxStoreTransitionsContract {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final int MAX_ATTEMPTS = 4;

    private OutboxFixture outbox;
    private OutboxStore store;

    @BeforeEach
    void emptyTable(TestDatabase database) throws SQLException {
        outbox = new OutboxFixture(database, RetryPolicy.builder().maxAttempts(MAX_ATTEMPTS).build());
        store = outbox.store;
        outbox.reset();
    }

    @Test
    void claimLeasesDueRowsInIdOrderAndNeverTheSameRowTwice() throws Exception {
        List<UUID> ids = outbox.publishCommitted(5);
        List<OutboxRow> first = store.claim("relay-a", 3, LEASE);
        assertThat(first).extracting(OutboxRow::eventId).containsExactlyElementsOf(ids.subList(0, 3));
        assertThat(first).allSatisfy(row -> {
            assertThat(row.state()).isEqualTo(OutboxState.SENDING);
            assertThat(row.leaseOwner()).isEqualTo("relay-a");
            assertThat(row.leaseExpiresAt()).isAfter(row.updatedAt().plusSeconds(29));
        });
        assertThat(store.claim("relay-b", 10, LEASE)).extracting(OutboxRow::eventId)
                .containsExactlyElementsOf(ids.subList(3, 5));
        assertThat(store.claim("relay-c", 10, LEASE)).isEmpty();
    }

    @Test
    void rowsWaitingForTheirNextAttemptAreNotClaimed() throws Exception {
        outbox.publishCommitted(2);
        outbox.execute("UPDATE orders_outbox SET next_attempt_at = " + outbox.sql.nowPlus(Duration.ofHours(1)) + " WHERE id = 1");
        assertThat(store.claim("relay", 10, LEASE)).extracting(OutboxRow::id).containsExactly(2L);
    }

    @Test
    void markPublishedIsFencedOnTheLeaseOwner() throws Exception {
        outbox.publishCommitted(2);
        List<Long> ids = ids(store.claim("relay-a", 10, LEASE));
        assertThat(store.markPublished("relay-b", ids)).isZero();
        assertThat(store.markPublished("relay-a", ids)).isEqualTo(2);
        OutboxRow row = find(1);
        assertThat(row.state()).isEqualTo(OutboxState.PUBLISHED);
        assertThat(row.publishedAt()).isNotNull();
        assertThat(row.leaseOwner()).isNull();
        assertThat(store.markPublished("relay-a", ids)).as("idempotent").isZero();
    }

    @Test
    void markPublishedNeverOverwritesAFinalState() throws Exception {
        List<UUID> ids = outbox.publishCommitted(2);
        List<OutboxRow> claimed = store.claim("relay", 10, LEASE);
        assertThat(store.markDead(claimed.get(0).id(), "relay", "poison")).isTrue();
        assertThat(store.consume(ids.get(1), connection -> { })).isEqualTo(ConsumeOutcome.CONSUMED);
        assertThat(store.markPublished("relay", ids(claimed))).isZero();
        assertThat(find(1).state()).isEqualTo(OutboxState.DEAD);
        assertThat(find(2).state()).isEqualTo(OutboxState.CONSUMED);
    }

    @Test
    void failedAttemptsArePersistedWithExponentialBackoffAndGoDeadAtMax() throws Exception {
        outbox.publishCommitted(1);
        long[] expectedDelaySeconds = {1, 2, 4};
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            outbox.execute("UPDATE orders_outbox SET next_attempt_at = " + outbox.sql.now());
            OutboxRow claimed = store.claim("relay", 1, LEASE).get(0);
            assertThat(claimed.attempts()).isEqualTo(attempt - 1);
            OutboxState state = store.markFailed("relay", claimed, "broker down #" + attempt).orElseThrow();
            OutboxRow row = find(1);
            assertThat(row.attempts()).isEqualTo(attempt);
            assertThat(row.lastError()).isEqualTo("broker down #" + attempt);
            assertThat(row.leaseOwner()).isNull();
            if (attempt < MAX_ATTEMPTS) {
                assertThat(state).isEqualTo(OutboxState.PENDING);
                assertThat(Duration.between(row.updatedAt(), row.nextAttemptAt()))
                        .isEqualTo(Duration.ofSeconds(expectedDelaySeconds[attempt - 1]));
            } else {
                assertThat(state).isEqualTo(OutboxState.DEAD);
            }
        }
        outbox.execute("UPDATE orders_outbox SET next_attempt_at = " + outbox.sql.now());
        assertThat(store.claim("relay", 1, LEASE)).as("dead rows are never claimed").isEmpty();
    }

    @Test
    void backoffIsCappedAtThirtyTwoSecondsByDefault() throws Exception {
        OutboxFixture defaults = new OutboxFixture(outbox.database);
        outbox.publishCommitted(1);
        outbox.execute("UPDATE orders_outbox SET attempts = 9, max_attempts = 20");
        OutboxRow claimed = defaults.store.claim("relay", 1, LEASE).get(0);
        assertThat(defaults.store.markFailed("relay", claimed, "x")).contains(OutboxState.PENDING);
        OutboxRow row = find(1);
        assertThat(Duration.between(row.updatedAt(), row.nextAttemptAt())).isEqualTo(Duration.ofSeconds(32));
    }

    @Test
    void markFailedIsFencedOnOwnerAndOnTheAttemptsSeenAtClaim() throws Exception {
        outbox.publishCommitted(1);
        OutboxRow claimed = store.claim("relay", 1, LEASE).get(0);
        assertThat(store.markFailed("intruder", claimed, "x")).isEmpty();
        assertThat(store.markFailed("relay", claimed, "first")).contains(OutboxState.PENDING);
        assertThat(store.markFailed("relay", claimed, "stale repeat")).as("already recorded").isEmpty();
        assertThat(find(1).attempts()).isEqualTo(1);
        assertThat(find(1).lastError()).isEqualTo("first");
    }

    @Test
    void lastErrorIsTruncatedTo2000Characters() throws Exception {
        outbox.publishCommitted(1);
        OutboxRow claimed = store.claim("relay", 1, LEASE).get(0);
        store.markFailed("relay", claimed, "e".repeat(5000));
        assertThat(find(1).lastError()).hasSize(OutboxStore.MAX_ERROR_LENGTH);
    }

    @Test
    void aBatchOfFailuresIsRecordedInOneCall() throws Exception {
        outbox.publishCommitted(3);
        List<OutboxRow> claimed = store.claim("relay", 3, LEASE);
        Map<Long, OutboxState> states = store.markFailed("relay", claimed.stream()
                .map(row -> DeliveryFailure.of(row, new IOException("timeout " + row.id()))).toList());
        assertThat(states).containsOnlyKeys(1L, 2L, 3L).containsValue(OutboxState.PENDING);
        assertThat(find(2).lastError()).isEqualTo("java.io.IOException: timeout 2");
    }

    @Test
    void markDeadKeepsTheReasonAndNeverLeavesAFinalState() throws Exception {
        List<UUID> ids = outbox.publishCommitted(3);
        assertThat(store.markDead(1, null, "operator: bad data")).isTrue();
        assertThat(find(1).state()).isEqualTo(OutboxState.DEAD);
        assertThat(find(1).lastError()).isEqualTo("operator: bad data");
        assertThat(store.markDead(1, null, "again")).isFalse();
        assertThat(find(1).lastError()).isEqualTo("operator: bad data");

        store.consume(ids.get(1), connection -> { });
        assertThat(store.markDead(2, null, "too late")).isFalse();
        assertThat(find(2).state()).isEqualTo(OutboxState.CONSUMED);

        store.claim("relay", 1, LEASE);
        assertThat(store.markDead(3, "other-relay", "not mine")).isFalse();
        assertThat(store.markDead(3, "relay", "poison")).isTrue();
        assertThat(store.markDead(999, null, "missing")).isFalse();
    }

    @Test
    void consumeRunsTheWorkAndTheStateChangeInOneTransaction() throws Exception {
        emptyEffects();
        UUID id = outbox.publishCommitted(1).get(0);
        AtomicInteger runs = new AtomicInteger();
        ConsumeCallback work = connection -> {
            runs.incrementAndGet();
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO effects VALUES (?)")) {
                outbox.dialect.setUuid(insert, 1, id);
                insert.executeUpdate();
            }
        };
        assertThat(store.consume(id, work)).isEqualTo(ConsumeOutcome.CONSUMED);
        assertThat(store.consume(id, work)).isEqualTo(ConsumeOutcome.ALREADY_CONSUMED);
        assertThat(runs).hasValue(1);
        assertThat(outbox.count("effects")).isEqualTo(1);
        OutboxRow row = store.find(id).orElseThrow();
        assertThat(row.state()).isEqualTo(OutboxState.CONSUMED);
        assertThat(row.consumedAt()).isNotNull();
    }

    @Test
    void aFailingConsumerChangesNothingAndItsExceptionIsKept() throws Exception {
        emptyEffects();
        UUID id = outbox.publishCommitted(1).get(0);
        IllegalStateException failure = new IllegalStateException("handler broke");
        assertThatThrownBy(() -> store.consume(id, connection -> {
            connection.createStatement().executeUpdate("INSERT INTO effects VALUES ('" + id + "')");
            throw failure;
        })).isSameAs(failure);
        assertThatThrownBy(() -> store.consume(id, connection -> {
            throw new IOException("checked");
        })).isInstanceOf(ConsumeCallbackException.class).hasCauseInstanceOf(IOException.class);
        assertThat(outbox.count("effects")).isZero();
        assertThat(store.find(id).orElseThrow().state()).isEqualTo(OutboxState.PENDING);
    }

    @Test
    void consumeIsIdempotentOnDeadAndMissingRows() throws Exception {
        UUID id = outbox.publishCommitted(1).get(0);
        store.markDead(1, null, "poison");
        AtomicInteger runs = new AtomicInteger();
        assertThat(store.consume(id, connection -> runs.incrementAndGet())).isEqualTo(ConsumeOutcome.DEAD);
        assertThat(store.consume(UUID.randomUUID(), connection -> runs.incrementAndGet()))
                .isEqualTo(ConsumeOutcome.NOT_FOUND);
        assertThat(runs).hasValue(0);
    }

    @Test
    void aConsumerMayFinishARowTheRelayHasNotRecordedYet() throws Exception {
        UUID id = outbox.publishCommitted(1).get(0);
        List<OutboxRow> claimed = store.claim("relay", 1, LEASE);
        assertThat(store.consume(id, connection -> { })).isEqualTo(ConsumeOutcome.CONSUMED);
        assertThat(store.markPublished("relay", ids(claimed))).as("consumed is final").isZero();
        assertThat(find(1).state()).isEqualTo(OutboxState.CONSUMED);
    }

    @Test
    void expiredLeasesComeBackCountedAsAnAttemptAndTheLateRelayIsFencedOut() throws Exception {
        outbox.publishCommitted(2);
        List<OutboxRow> lost = store.claim("crashed-relay", 1, Duration.ofMillis(50));
        store.claim("live-relay", 1, LEASE);
        await().atMost(Duration.ofSeconds(5)).until(() -> store.reclaimExpiredLeases(100) == 1);

        OutboxRow row = find(1);
        assertThat(row.state()).isEqualTo(OutboxState.PENDING);
        assertThat(row.attempts()).isEqualTo(1);
        assertThat(row.leaseOwner()).isNull();
        assertThat(row.lastError()).contains("crashed-relay").contains("expired");
        assertThat(find(2).state()).as("a live lease is kept").isEqualTo(OutboxState.SENDING);

        assertThat(store.markPublished("crashed-relay", ids(lost))).isZero();
        assertThat(store.claim("live-relay", 10, LEASE)).extracting(OutboxRow::id).containsExactly(1L);
    }

    @Test
    void aRowWhoseLeasesKeepExpiringEndsDead() throws Exception {
        outbox.publishCommitted(1);
        outbox.execute("UPDATE orders_outbox SET attempts = " + (MAX_ATTEMPTS - 1));
        store.claim("relay", 1, Duration.ofMillis(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> store.reclaimExpiredLeases(100) == 1);
        assertThat(find(1).state()).isEqualTo(OutboxState.DEAD);
    }

    @Test
    void releaseReturnsLeasesWithoutCountingAnAttemptAndRenewExtendsThem() throws Exception {
        outbox.publishCommitted(2);
        List<OutboxRow> claimed = store.claim("relay", 2, Duration.ofSeconds(5));
        assertThat(store.renewLeases("other", ids(claimed), Duration.ofMinutes(10))).isZero();
        assertThat(store.renewLeases("relay", ids(claimed), Duration.ofMinutes(10))).isEqualTo(2);
        OutboxRow renewed = find(1);
        assertThat(Duration.between(renewed.updatedAt(), renewed.leaseExpiresAt())).isEqualTo(Duration.ofMinutes(10));

        assertThat(store.release("relay", List.of(1L))).isEqualTo(1);
        assertThat(find(1).state()).isEqualTo(OutboxState.PENDING);
        assertThat(find(1).attempts()).isZero();
        assertThat(find(2).state()).isEqualTo(OutboxState.SENDING);
    }

    @Test
    void retentionDeletesOnlyOldPublishedAndConsumedRowsInBatches() throws Exception {
        List<UUID> ids = outbox.publishCommitted(10);
        store.markPublished("relay", ids(store.claim("relay", 7, LEASE)));
        store.consume(ids.get(7), connection -> { });
        store.markDead(9, null, "poison");
        outbox.execute("UPDATE orders_outbox SET updated_at = " + outbox.sql.nowPlus(Duration.ofDays(-8)) + " WHERE id <> 3");

        assertThat(store.deleteFinishedOlderThan(Duration.ofDays(7), 2)).isEqualTo(7);
        assertThat(outbox.queryString("SELECT " + outbox.sql.idsInOrder() + " FROM orders_outbox"))
                .as("recent published row 3, dead row 9, pending row 10 stay").isEqualTo("3,9,10");
    }

    @Test
    void aRetentionBatchDeletesOnlyRowsFromItsCursorOnAndReturnsTheLastId() throws Exception {
        outbox.publishCommitted(6);
        store.markPublished("relay", ids(store.claim("relay", 6, LEASE)));
        outbox.execute("UPDATE orders_outbox SET updated_at = " + outbox.sql.nowPlus(Duration.ofDays(-8)));
        long third = outbox.queryLong("SELECT min(id) FROM orders_outbox") + 2;
        OutboxOperations operations = outbox.dialect.outbox(OutboxFixture.ORDERS.table());
        try (Connection connection = outbox.database.dataSource().getConnection()) {
            assertThat(operations.deleteFinished(connection, Duration.ofDays(7), third + 1, 2))
                    .isEqualTo(new DeletedRows(2, third + 2));
            assertThat(operations.deleteFinished(connection, Duration.ofDays(7), third + 3, 2))
                    .isEqualTo(new DeletedRows(1, third + 3));
            assertThat(operations.deleteFinished(connection, Duration.ofDays(7), third + 4, 2))
                    .as("none left from the cursor on: the cursor stays").isEqualTo(new DeletedRows(0, third + 4));
        }
        assertThat(outbox.count("orders_outbox")).as("the rows up to the cursor stay").isEqualTo(3);
    }

    @Test
    void retentionDeletesRowsWhoseIdsAreTheLowestAndHighestALongHolds() throws Exception {
        outbox.execute("INSERT INTO orders_outbox (id, event_type, payload, status) VALUES"
                + " (" + Long.MIN_VALUE + ", 'order.placed', '{}', 'published'), (" + Long.MAX_VALUE
                + ", 'order.placed', '{}', 'published'), (-1, 'order.placed', '{}', 'published')");
        outbox.execute("UPDATE orders_outbox SET updated_at = " + outbox.sql.nowPlus(Duration.ofDays(-8)));

        assertThat(store.deleteFinishedOlderThan(Duration.ofDays(7), 1)).as("in batches of one").isEqualTo(3);
        assertThat(outbox.count("orders_outbox")).isZero();
    }

    @Test
    void retentionPassesByARowAnotherTransactionHoldsAndTheNextPassDeletesIt() throws Exception {
        // a SQL producer may choose its own ids, negative ones included
        outbox.execute("INSERT INTO orders_outbox (id, event_type, payload, status) VALUES"
                + " (-7, 'order.placed', '{}', 'published'), (-1, 'order.placed', '{}', 'published')");
        outbox.publishCommitted(6);
        store.markPublished("relay", ids(store.claim("relay", 6, LEASE)));
        outbox.execute("INSERT INTO orders_outbox (id, event_type, payload, status) VALUES (100, 'order.placed', '{}', 'published')");
        outbox.execute("UPDATE orders_outbox SET updated_at = " + outbox.sql.nowPlus(Duration.ofDays(-8)));
        long held = outbox.queryLong("SELECT min(id) FROM orders_outbox WHERE id > 0") + 2;

        try (Connection holder = outbox.database.dataSource().getConnection()) {
            holder.setAutoCommit(false);
            try (Statement statement = holder.createStatement()) {
                statement.executeQuery("SELECT id FROM orders_outbox WHERE id = " + held + " FOR UPDATE").close();
            }
            assertThat(store.deleteFinishedOlderThan(Duration.ofDays(7), 2))
                    .as("a pass in batches of 2 goes on past the held row").isEqualTo(8);
            holder.rollback();
        }
        assertThat(outbox.queryString("SELECT " + outbox.sql.idsInOrder() + " FROM orders_outbox"))
                .isEqualTo(String.valueOf(held));
        assertThat(store.deleteFinishedOlderThan(Duration.ofDays(7), 2)).isEqualTo(1);
        assertThat(outbox.count("orders_outbox")).isZero();
    }

    @Test
    void saysWhenNothingRemovesTheTablesDeadRowVersions() throws Exception {
        if (!outbox.dialect.name().equals("postgresql")) {
            assertThat(store.whyNotVacuumed()).as("InnoDB purges old row versions itself").isEmpty();
            return;
        }
        boolean serverVacuums = outbox.queryString("SHOW autovacuum").equals("on");
        assertThat(store.whyNotVacuumed()).isEqualTo(serverVacuums ? Optional.empty()
                : Optional.of("the server runs with autovacuum = off"));
        try {
            outbox.execute("ALTER TABLE orders_outbox SET (autovacuum_enabled = false)");
            assertThat(store.whyNotVacuumed()).contains("the table has autovacuum_enabled = false");
        } finally {
            outbox.execute("ALTER TABLE orders_outbox RESET (autovacuum_enabled)");
        }
    }

    @Test
    void countsByStateAndTheOldestUndeliveredAge() throws Exception {
        assertThat(store.counts().oldestUndeliveredAge()).isEmpty();
        assertThat(store.counts().count(OutboxState.PENDING)).isZero();

        outbox.publishCommitted(4);
        outbox.execute("UPDATE orders_outbox SET created_at = " + outbox.sql.nowPlus(Duration.ofSeconds(-90)) + " WHERE id = 2");
        store.markPublished("relay", ids(store.claim("relay", 1, LEASE)));
        store.claim("relay", 1, LEASE);
        store.markDead(3, null, "x");

        OutboxCounts counts = store.counts();
        assertThat(counts.count(OutboxState.PUBLISHED)).isEqualTo(1);
        assertThat(counts.count(OutboxState.SENDING)).isEqualTo(1);
        assertThat(counts.count(OutboxState.DEAD)).isEqualTo(1);
        assertThat(counts.count(OutboxState.PENDING)).isEqualTo(1);
        assertThat(counts.count(OutboxState.CONSUMED)).isZero();
        assertThat(counts.oldestUndeliveredAge()).hasValueSatisfying(age ->
                assertThat(age).isBetween(Duration.ofSeconds(89), Duration.ofSeconds(120)));

        OutboxBacklog backlog = store.backlog();
        assertThat(backlog.undelivered()).as("sending row 2 and pending row 4; published row 1 and dead row 3 are not counted")
                .isEqualTo(2);
        assertThat(backlog.oldestUndeliveredAge()).hasValueSatisfying(age ->
                assertThat(age).isBetween(Duration.ofSeconds(89), Duration.ofSeconds(120)));
    }

    @Test
    void anEmptyClaimSaysWhenTheNextRetryOrLeaseExpiryIsDue() throws Exception {
        assertThat(store.claimOrNextDue("relay", 10, LEASE, true).nextDueIn()).as("nothing waits").isEmpty();

        outbox.publishCommitted(1);
        OutboxRow claimed = store.claimOrNextDue("relay", 10, LEASE, true).rows().get(0);
        ClaimResult whileLeased = store.claimOrNextDue("other", 10, LEASE, true);
        assertThat(whileLeased.rows()).isEmpty();
        assertThat(whileLeased.nextDueIn()).hasValueSatisfying(wait ->
                assertThat(wait).isBetween(Duration.ofSeconds(25), LEASE));

        store.markFailed("relay", claimed, "down");
        outbox.execute("UPDATE orders_outbox SET next_attempt_at = " + outbox.sql.nowPlus(Duration.ofMinutes(10)));
        assertThat(store.claimOrNextDue("relay", 10, LEASE, true).nextDueIn()).hasValueSatisfying(wait ->
                assertThat(wait).isBetween(Duration.ofMinutes(9), Duration.ofMinutes(10)));

        outbox.execute("UPDATE orders_outbox SET status = 'sending', lease_owner = 'gone',"
                + " lease_expires_at = " + outbox.sql.nowPlus(Duration.ofSeconds(-1)));
        assertThat(store.claimOrNextDue("relay", 10, LEASE, true).nextDueIn()).contains(Duration.ZERO);
    }

    @Test
    void invalidArgumentsAreRefusedBeforeAnyWrite() {
        assertThatThrownBy(() -> store.claim(" ", 10, LEASE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.claim("relay", 0, LEASE)).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.markPublished("relay", List.of())).isZero();
    }

    /** A table the consumer's own work writes to, in the same transaction as the state change. */
    private void emptyEffects() throws SQLException {
        outbox.execute("CREATE TABLE IF NOT EXISTS effects (event_id " + outbox.sql.uuidType() + " PRIMARY KEY)");
        outbox.emptyTables("effects");
    }

    private OutboxRow find(long id) throws SQLException {
        return store.find(UUID.fromString(outbox.queryString("SELECT event_id FROM orders_outbox WHERE id = " + id)))
                .orElseThrow();
    }
}
