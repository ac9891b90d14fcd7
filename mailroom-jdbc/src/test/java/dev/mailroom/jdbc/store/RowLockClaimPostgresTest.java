package dev.mailroom.jdbc.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.jdbc.OutboxFixture;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

@WithPostgres
class RowLockClaimPostgresTest extends RowLockClaimContract {

    /**
     * Round trips are what a claim costs at low rates, where a claim follows each commit: a batch is
     * claimed in four statements and settled in one (seven and three before): the claim journal's
     * record is one self-committing statement that also looks for lost claims, and it is removed in
     * the statement that settles the rows, sent with the commit.
     */
    @Test
    void aRelayBatchIsClaimedInFourRoundTripsAndSettledInOne(TestDatabase database) throws Exception {
        OutboxFixture outbox = new OutboxFixture(database);
        outbox.publishKeys("a", "b", "a");
        StatementCountingDataSource counted = new StatementCountingDataSource(database.dataSource());
        OutboxStore relayStore = OutboxStore.create(counted.dataSource(), SqlDialect.postgresql(),
                        OutboxFixture.ORDERS.table(), RetryPolicy.defaults())
                .withLockTimeout(Duration.ofSeconds(45)).withAsynchronousCommit();

        try (LockedBatch batch = relayStore.lockOrNextDue(10, true)) {
            assertThat(batch.rows()).hasSize(2);
            assertThat(counted.sent()).as("settings, lock, record and look for lost claims, hold the record")
                    .containsExactly("SET", "SELECT", "WITH", "SELECT");
            batch.settle(List.of(1L, 2L), List.of());
        }
        assertThat(counted.sent()).as("rows with their record, and the commit sent with them").containsExactly("WITH");
        assertThat(outbox.queryLong("SELECT count(*) FROM orders_outbox_claims")).isZero();
        assertThat(outbox.queryLong("SELECT count(*) FROM orders_outbox WHERE status = 'published'")).isEqualTo(2);
    }

    /**
     * A claim that finds nothing follows most batches at low rates: what it asks before it sleeps
     * (a waiting retry or held key, a lost claim, when the next row is due, a due row held) is one
     * statement, not one each.
     */
    @Test
    void aClaimThatFindsNothingAsksWhatItWaitsForInOneStatement(TestDatabase database) throws Exception {
        OutboxFixture outbox = new OutboxFixture(database);
        StatementCountingDataSource counted = new StatementCountingDataSource(database.dataSource());
        OutboxStore relayStore = OutboxStore.create(counted.dataSource(), SqlDialect.postgresql(),
                OutboxFixture.ORDERS.table(), RetryPolicy.defaults()).withLockTimeout(Duration.ofSeconds(45));

        try (LockedBatch nothing = relayStore.lockOrNextDue(10, true)) {
            assertThat(nothing.rows()).isEmpty();
            assertThat(nothing.nextDueIn()).as("nothing waits").isEmpty();
        }
        assertThat(counted.sent()).as("settings, lock, the questions, commit").containsExactly("SET", "SELECT", "SELECT",
                "COMMIT");

        outbox.publishKeys("a", "b");
        outbox.execute("UPDATE orders_outbox SET attempts = 1, next_attempt_at = now() + interval '30 seconds' WHERE id = 1");
        try (LockedBatch held = relayStore.lockOrNextDue(10, true)) {
            assertThat(held.rows()).extracting(OutboxRow::id).containsExactly(2L);
            counted.sent();
            try (LockedBatch waiting = relayStore.lockOrNextDue(10, true)) {
                assertThat(waiting.rows()).isEmpty();
                assertThat(waiting.nextDueIn()).as("the retry of row 1").hasValueSatisfying(due ->
                        assertThat(due).isBetween(Duration.ofSeconds(25), Duration.ofSeconds(30)));
            }
            assertThat(counted.sent()).as("settings, the window's lock, the questions, the whole backlog's lock (a retry"
                    + " waits), commit").containsExactly("SET", "SELECT", "SELECT", "SELECT", "COMMIT");
        }
    }
}
