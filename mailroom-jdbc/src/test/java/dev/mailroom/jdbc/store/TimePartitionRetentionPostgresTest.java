package dev.mailroom.jdbc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.jdbc.OutboxFixture;
import dev.mailroom.jdbc.dialect.OutboxOperations;
import dev.mailroom.jdbc.schema.SchemaMigrator;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retention on the time-partitioned layout, with partitions one second wide: an expired partition is
 * dropped with its delivered history while its undelivered and dead rows move whole to the default
 * partition, where the relay goes on with them; a partition with too many of them to move, or a
 * table whose lock is busy, is kept for a later pass; delivered rows of the default partition are
 * deleted row by row.
 */
@WithPostgres
class TimePartitionRetentionPostgresTest {

    private static final String MOVED = "SELECT string_agg(to_jsonb(t)::text, E'\\n' ORDER BY id) FROM orders_outbox t"
            + " WHERE status NOT IN ('published')";

    private final OutboxFixture outbox;

    TimePartitionRetentionPostgresTest(TestDatabase database) {
        this.outbox = new OutboxFixture(database);
        new SchemaMigrator(database.dataSource(), outbox.dialect)
                .migrateToTimePartitions(OutboxFixture.ORDERS, Duration.ofSeconds(1));
    }

    @BeforeEach
    void empty() throws Exception {
        outbox.reset();
    }

    @Test
    void anExpiredPartitionIsDroppedWithItsDeliveredRowsAndItsUndeliveredAndDeadRowsMoveWholeToTheDefaultOne()
            throws Exception {
        outbox.publishKeys("a", "b", "c", "d", "e", "f");
        String partition = partitionOf(1);
        assertThat(outbox.queryString("SELECT count(DISTINCT tableoid) FROM orders_outbox")).isEqualTo("1");
        outbox.execute("UPDATE orders_outbox SET status = 'published', published_at = now() WHERE id IN (1, 2)");
        outbox.execute("UPDATE orders_outbox SET status = 'dead', attempts = 20, holds_key = true, last_error = 'poison'"
                + " WHERE id = 3");
        outbox.execute("UPDATE orders_outbox SET status = 'sending', lease_owner = 'relay-x',"
                + " lease_expires_at = now() + interval '1 hour' WHERE id = 4");
        outbox.execute("UPDATE orders_outbox SET attempts = 1, next_attempt_at = now() + interval '1 hour' WHERE id = 6");
        String before = outbox.queryString(MOVED);

        awaitEnded(partition);
        RetentionPass pass = outbox.store.retain(Duration.ZERO);

        assertThat(pass.partitionsDropped()).isGreaterThanOrEqualTo(1);
        assertThat(pass.rowsMoved()).isEqualTo(4);
        assertThat(pass.partitionsKept()).isZero();
        assertThat(outbox.queryString("SELECT to_regclass('" + partition + "')")).as("dropped").isNull();
        assertThat(outbox.count("orders_outbox WHERE status = 'published'")).as("its history went with it").isZero();
        assertThat(outbox.queryString(MOVED)).as("every column of the moved rows as it was").isEqualTo(before);
        assertThat(outbox.queryString("SELECT string_agg(DISTINCT tableoid::regclass::text, ',') FROM orders_outbox"))
                .isEqualTo("orders_outbox_default");

        // the relay goes on with the moved rows: the lease settles, the due row is claimed, the retry waits
        assertThat(outbox.store.markPublished("relay-x", List.of(4L))).isOne();
        assertThat(OutboxFixture.ids(outbox.store.claim("relay-y", 10, Duration.ofMinutes(1)))).containsExactly(5L);
        assertThat(outbox.store.find(3L)).get().extracting(OutboxRow::holdsKey).isEqualTo(true);
        assertThat(outbox.queryLong("SELECT count(*) FROM mailroom_time_partitions('orders_outbox')"
                + " WHERE high > now()")).as("partitions ahead").isGreaterThanOrEqualTo(3);
    }

    @Test
    void aPartitionWithMoreUndeliveredRowsThanAPassMovesIsKeptUntilTheyAreDelivered() throws Exception {
        long rows = Maintenance.MOVE_LIMIT + 1;
        outbox.execute("INSERT INTO orders_outbox (event_type, event_key, payload)"
                + " SELECT 'order.placed', 'k' || (n % 100), '\\x7b7d' FROM generate_series(1, " + rows + ") n");
        String partition = partitionOf(1);
        awaitEnded(partition);

        RetentionPass kept = outbox.store.retain(Duration.ZERO);
        assertThat(kept.partitionsKept()).isOne();
        assertThat(kept.rowsMoved()).isZero();
        assertThat(outbox.count(partition)).as("nothing moved, nothing lost").isEqualTo(rows);

        outbox.execute("UPDATE orders_outbox SET status = 'published', published_at = now()");
        RetentionPass dropped = outbox.store.retain(Duration.ZERO);
        assertThat(dropped.partitionsDropped()).isGreaterThanOrEqualTo(1);
        assertThat(dropped.partitionsKept()).isZero();
        assertThat(outbox.count("orders_outbox")).isZero();
    }

    @Test
    void aBusyTableLockKeepsTheExpiredPartitionForTheNextPassInsteadOfWaitingForIt() throws Exception {
        outbox.publishKeys("a");
        outbox.execute("UPDATE orders_outbox SET status = 'published', published_at = now()");
        String partition = partitionOf(1);
        awaitEnded(partition);
        try (Connection holder = outbox.database.dataSource().getConnection()) {
            holder.setAutoCommit(false);
            try (Statement statement = holder.createStatement()) {
                statement.executeQuery("SELECT id FROM orders_outbox WHERE id = 1 FOR UPDATE").close();
            }
            RetentionPass busy = outbox.store.retain(Duration.ZERO);
            assertThat(busy.partitionsKept()).isGreaterThanOrEqualTo(1);
            assertThat(busy.partitionsDropped()).isZero();
            holder.rollback();
        }
        assertThat(outbox.store.retain(Duration.ZERO).partitionsDropped()).isGreaterThanOrEqualTo(1);
        assertThat(outbox.queryString("SELECT to_regclass('" + partition + "')")).isNull();
    }

    @Test
    void theDefaultPartitionsDeliveredRowsAreDeletedRowByRowOnceOlderThanTheAgeAndItsDeadRowsKept() throws Exception {
        // dated past every partition: rows of the default partition
        outbox.execute("INSERT INTO orders_outbox (event_type, payload, status, created_at, updated_at) VALUES"
                + " ('order.placed', '\\x7b7d', 'published', now() + interval '10 years', now() - interval '2 days'),"
                + " ('order.placed', '\\x7b7d', 'discarded', now() + interval '10 years', now() - interval '2 days'),"
                + " ('order.placed', '\\x7b7d', 'dead', now() + interval '10 years', now() - interval '2 days'),"
                + " ('order.placed', '\\x7b7d', 'published', now() + interval '10 years', now())");
        assertThat(outbox.count("orders_outbox_default")).isEqualTo(4);

        RetentionPass pass = outbox.store.retain(Duration.ofDays(1));

        assertThat(pass.rowsDeleted()).isEqualTo(2);
        assertThat(outbox.queryString("SELECT string_agg(id || ':' || status, ',' ORDER BY id) FROM orders_outbox"))
                .as("the dead row, and the row changed within the age").isEqualTo("3:dead,4:published");
    }

    @Test
    void aPartitionWhoseRowToMoveDuplicatesAnEventOfTheDefaultPartitionIsKeptWholeAndOthersStillGo()
            throws Exception {
        List<java.util.UUID> ids = outbox.publishKeys("a");
        String partition = partitionOf(1);
        outbox.execute("UPDATE orders_outbox SET status = 'dead' WHERE id = 1");
        outbox.execute("INSERT INTO orders_outbox (event_id, event_type, payload, created_at) VALUES ('" + ids.get(0)
                + "', 'order.placed', '\\x7b7d', now() + interval '10 years')");
        awaitEnded(partition);

        RetentionPass pass = outbox.store.retain(Duration.ZERO);

        assertThat(pass.partitionsKept()).isOne();
        assertThat(outbox.queryString("SELECT to_regclass('" + partition + "')")).as("kept").isNotNull();
        assertThat(outbox.count("orders_outbox WHERE id = 1 AND status = 'dead'")).isOne();
    }

    @Test
    void aSettlementNamesEachRowByIdAndCreationTimeSoEachIsFoundInItsOwnPartition() throws Exception {
        outbox.publishKeys("a");
        String first = partitionOf(1);
        awaitEnded(first);
        outbox.publishKeys("b");
        assertThat(partitionOf(2)).isNotEqualTo(first);
        Map<Long, Instant> rows = new LinkedHashMap<>();
        rows.put(1L, outbox.store.find(1L).orElseThrow().createdAt());
        rows.put(2L, outbox.store.find(2L).orElseThrow().createdAt());
        OutboxOperations operations = outbox.dialect.outbox(OutboxFixture.ORDERS.table());

        try (Connection connection = outbox.database.dataSource().getConnection()) {
            assertThat(operations.markPublished(connection, Map.of(1L, rows.get(1L).plusMillis(1)), false))
                    .as("a row is named by its creation time too").isZero();
            assertThat(operations.markPublished(connection, rows, false)).isEqualTo(2);
        }
        assertThat(outbox.count("orders_outbox WHERE status = 'published'")).isEqualTo(2);
    }

    private String partitionOf(long id) throws Exception {
        return outbox.queryString("SELECT tableoid::regclass::text FROM orders_outbox WHERE id = " + id);
    }

    private void awaitEnded(String partition) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> outbox.queryLong(
                "SELECT count(*) FROM mailroom_time_partitions('orders_outbox') WHERE part = '" + partition
                        + "'::regclass AND high <= now()") == 1);
    }
}
