package dev.mailroom.jdbc.store;

import static dev.mailroom.jdbc.OutboxFixture.ids;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.jdbc.OutboxFixture;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithMariaDb;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

@WithMariaDb
class RowLockClaimMariaDbTest extends RowLockClaimContract {

    /**
     * A counter that took a record in the instant between its claim's commit of it and its hold
     * deadlocked with that claim (InnoDB's {@code SKIP LOCKED} waited for the claim's rows), and
     * when the claim was the victim, counted an attempt for rows never sent. So MariaDB counts a
     * record no transaction holds only once it is older than a grace, and until then a claim that
     * sees it sends nothing.
     */
    @Test
    void anUnheldRecordYoungerThanTheGraceIsCountedOnceItIsOlderAndNoRowIsSentBefore(TestDatabase database)
            throws Exception {
        OutboxFixture outbox = new OutboxFixture(database);
        outbox.reset();
        outbox.publishKeys("a", "b");
        // created a minute ahead: young however long this test takes to reach the claim
        outbox.insertClaimRecord(outbox.sql.idList(1L), Duration.ofMinutes(1));
        try (LockedBatch nothing = outbox.store.lockOrNextDue(10, false)) {
            assertThat(nothing.rows()).as("rows 1, 2 given back while the record naming row 1 is young").isEmpty();
            assertThat(nothing.nextDueIn()).contains(OutboxStore.HELD_ROWS_RECHECK);
        }
        assertThat(outbox.queryLong("SELECT COUNT(*) FROM orders_outbox WHERE attempts = 0"))
                .as("not counted yet").isEqualTo(2);
        assertThat(outbox.count("orders_outbox_claims")).as("the young record alone").isOne();

        outbox.ageClaimRecords();
        try (LockedBatch batch = outbox.store.lockOrNextDue(10, false)) {
            assertThat(ids(batch.rows())).containsExactly(1L, 2L);
            assertThat(batch.rows()).extracting(OutboxRow::attempts).as("row 1's lost attempt counted")
                    .containsExactly(1, 0);
            batch.settle(List.of(1L, 2L), List.of());
        }
        assertThat(outbox.count("orders_outbox_claims")).isZero();
    }
}
