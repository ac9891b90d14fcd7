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
     * claimed in five statements and settled in two (seven and three before): the claim journal's
     * record is one self-committing statement, and it is removed in the statement that settles the rows.
     */
    @Test
    void aRelayBatchIsClaimedInFiveRoundTripsAndSettledInTwo(TestDatabase database) throws Exception {
        OutboxFixture outbox = new OutboxFixture(database);
        outbox.publishKeys("a", "b", "a");
        StatementCountingDataSource counted = new StatementCountingDataSource(database.dataSource());
        OutboxStore relayStore = OutboxStore.create(counted.dataSource(), SqlDialect.postgresql(),
                        OutboxFixture.ORDERS.table(), RetryPolicy.defaults())
                .withLockTimeout(Duration.ofSeconds(45)).withAsynchronousCommit();

        try (LockedBatch batch = relayStore.lockOrNextDue(10, true)) {
            assertThat(batch.rows()).hasSize(2);
            assertThat(counted.sent()).as("settings, lock, look for lost claims, record, hold the record")
                    .containsExactly("SET", "SELECT", "SELECT", "WITH", "SELECT");
            batch.settle(List.of(1L, 2L), List.of());
        }
        assertThat(counted.sent()).as("rows with their record, commit").containsExactly("WITH", "COMMIT");
        assertThat(outbox.queryLong("SELECT count(*) FROM orders_outbox_claims")).isZero();
        assertThat(outbox.queryLong("SELECT count(*) FROM orders_outbox WHERE status = 'published'")).isEqualTo(2);
    }
}
