package dev.mailroom.jdbc.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.event.OutboxEvent;
import dev.mailroom.jdbc.OutboxFixture;
import dev.mailroom.jdbc.store.LockedBatch;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithMariaDb;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Settling a delivered row on MariaDB changes only columns that keep their length, so InnoDB
 * updates the record in place. A column going from NULL to a value (or a VARCHAR changing length)
 * makes it delete and insert the whole record, payload included, and reorganise the page: with
 * 500-byte payloads that was 5,200 bytes of redo per settled row, against about 300 in place. The
 * redo log's sequence number is server-wide, so the bound leaves room for whatever else writes.
 */
@WithMariaDb
class MariaDbInPlaceSettlementTest {

    private static final int ROWS = 500;
    private static final long MAX_REDO_BYTES_PER_ROW = 1_500;

    @Test
    void settlingABatchWritesLittleRedoPerRow(TestDatabase database) throws Exception {
        OutboxFixture outbox = new OutboxFixture(database);
        outbox.reset();
        String payload = "{\"pad\":\"" + "x".repeat(490) + "\"}";
        List<OutboxEvent> events = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            events.add(OutboxEvent.builder("order.placed").key("key-" + i % 50).json(payload).build());
        }
        outbox.publishCommitted(events);

        long redoBytes;
        try (LockedBatch batch = outbox.store.lockOrNextDue(ROWS, false)) {
            assertThat(batch.rows()).hasSize(ROWS);
            long before = redoLogPosition(outbox);
            assertThat(batch.settle(OutboxFixture.ids(batch.rows()), List.of())).isEmpty();
            redoBytes = redoLogPosition(outbox) - before;
        }

        assertThat(outbox.queryLong("SELECT count(*) FROM orders_outbox WHERE status = 'published'"
                + " AND published_at IS NOT NULL AND consumed_at IS NULL")).isEqualTo(ROWS);
        assertThat(redoBytes / ROWS).as("redo bytes per settled row").isLessThan(MAX_REDO_BYTES_PER_ROW);
    }

    private static long redoLogPosition(OutboxFixture outbox) throws Exception {
        return outbox.queryLong("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
                + " WHERE VARIABLE_NAME = 'INNODB_LSN_CURRENT'");
    }
}
