package dev.mailroom.jdbc.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.event.OutboxEvent;
import dev.mailroom.jdbc.DuplicateEventException;
import dev.mailroom.jdbc.OutboxFixture;
import dev.mailroom.jdbc.store.OutboxRow;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The move of an outbox table to the time-partitioned layout (outbox-time-partitioned V1) on a table
 * holding rows in every state: every row kept with every column, new rows land in the range
 * partitions, and the store claims, settles and finds rows as before.
 */
@WithPostgres
class TimePartitionMigrationPostgresTest {

    /** Every row with every column (payload, headers, timestamps), in id order. */
    private static final String SNAPSHOT = "SELECT string_agg(to_jsonb(t)::text, E'\\n' ORDER BY id) FROM orders_outbox t";

    private final OutboxFixture outbox;
    private final SchemaMigrator migrator;

    TimePartitionMigrationPostgresTest(TestDatabase database) {
        this.outbox = new OutboxFixture(database);
        this.migrator = new SchemaMigrator(database.dataSource(), outbox.dialect);
    }

    @Test
    void everyRowInEveryStateIsKeptWhole_newRowsLandInTimePartitions_andTheStoreWorksAsBefore() throws Exception {
        outbox.publishKeys("a", "b");
        outbox.execute("INSERT INTO orders_outbox (event_type, event_key, payload, headers, tenant_id, status, attempts,"
                + " next_attempt_at, lease_owner, lease_expires_at, created_at, published_at, consumed_at, updated_at,"
                + " holds_key, last_error) VALUES"
                + " ('order.placed', 'c', '\\x7b7d', '{\"traceparent\":\"00-1-2-01\"}', 't1', 'published', 0, now(), NULL, NULL,"
                + "  now() - interval '2 days', now() - interval '2 days', NULL, now() - interval '2 days', false, NULL),"
                + " ('order.placed', 'd', '\\x7b7d', '{}', NULL, 'consumed', 0, now(), NULL, NULL,"
                + "  now() - interval '2 days', now() - interval '2 days', now() - interval '1 day', now(), false, NULL),"
                + " ('order.placed', 'e', '\\x7b7d', '{}', NULL, 'dead', 20, now(), NULL, NULL,"
                + "  now() - interval '1 day', NULL, NULL, now(), true, 'poison'),"
                + " ('order.placed', 'f', '\\x7b7d', '{}', NULL, 'discarded', 20, now(), NULL, NULL,"
                + "  now() - interval '1 day', NULL, NULL, now(), false, 'poison'),"
                + " ('order.placed', 'g', '\\x7b7d', '{}', NULL, 'sending', 1, now(), 'relay-1', now() + interval '1 hour',"
                + "  now() - interval '1 day', NULL, NULL, now(), false, NULL),"
                + " ('order.placed', 'h', '\\x7b7d', '{}', NULL, 'pending', 2, now() + interval '1 hour', NULL, NULL,"
                + "  now() - interval '1 day', NULL, NULL, now(), false, 'broker down'),"
                + " ('order.placed', NULL, '\\x7b7d', '{}', NULL, 'pending', 0, now(), NULL, NULL,"
                + "  now() - interval '3 days', NULL, NULL, now(), false, NULL)");
        // a row published and deleted at delivery: its id was handed out, and must not be handed out again
        outbox.publishKeys("deleted");
        outbox.execute("DELETE FROM orders_outbox WHERE event_key = 'deleted'");
        outbox.execute("GRANT SELECT, INSERT ON orders_outbox TO PUBLIC");
        String before = outbox.queryString(SNAPSHOT);
        long highestId = outbox.queryLong("SELECT max(id) FROM orders_outbox");
        List<Long> due = List.of(1L, 2L, highestId);

        assertThat(migrator.migrateToTimePartitions(OutboxFixture.ORDERS, Duration.ofHours(1))).containsExactly(1);
        assertThat(migrator.migrateToTimePartitions(OutboxFixture.ORDERS, Duration.ofHours(1))).as("applied once")
                .isEmpty();

        assertThat(outbox.queryString(SNAPSHOT)).as("every row, every column").isEqualTo(before);
        assertThat(outbox.queryString("SELECT relkind FROM pg_class WHERE oid = 'orders_outbox'::regclass"))
                .isEqualTo("p");
        assertThat(outbox.queryLong("SELECT count(*) FROM orders_outbox_history")).as("the rows of earlier days")
                .isEqualTo(7);
        assertThat(outbox.queryLong("SELECT count(*) FROM orders_outbox_default")).isZero();
        assertThat(outbox.queryLong("SELECT count(*) FROM mailroom_time_partitions('orders_outbox')"))
                .as("the history, the current hour's partition and those ahead").isBetween(4L, 5L);
        assertThat(outbox.queryString("SELECT string_agg(privilege_type, ',' ORDER BY privilege_type)"
                + " FROM information_schema.role_table_grants WHERE table_schema = current_schema()"
                + " AND table_name = 'orders_outbox' AND grantee = 'PUBLIC'"))
                .as("the old table's grants").isEqualTo("INSERT,SELECT");
        assertThat(migrator.migrateToTimePartitions(OutboxFixture.ORDERS, Duration.ofDays(1)))
                .as("moved already: another width changes nothing").isEmpty();
        assertThat(outbox.queryString("SELECT to_regclass('orders_outbox_unpartitioned')")).as("the old table dropped")
                .isNull();

        // new rows: after the old ids, in the current partition; a producer in plain SQL fills two columns
        long published = outbox.publishCommitted(1).size();
        outbox.execute("INSERT INTO orders_outbox (event_type, payload) VALUES ('order.placed', '\\x7b7d')");
        assertThat(outbox.queryString("SELECT string_agg(tableoid::regclass::text, ',' ORDER BY id) FROM orders_outbox"
                + " WHERE id > " + highestId)).matches("orders_outbox_p\\d{12},orders_outbox_p\\d{12}");
        assertThat(outbox.queryLong("SELECT min(id) FROM orders_outbox WHERE id > " + highestId))
                .as("after the deleted row's id too").isEqualTo(highestId + 1 + published);

        // an event id already in the partition is refused, and the refusal loses nothing
        UUID twice = UUID.randomUUID();
        outbox.publishCommitted(List.of(OutboxEvent.builder("order.placed").eventId(twice).json("{}").build()));
        assertThatThrownBy(() -> outbox.publishCommitted(
                List.of(OutboxEvent.builder("order.placed").eventId(twice).json("{}").build())))
                .isInstanceOf(DuplicateEventException.class);
        assertThat(outbox.store.find(twice)).isPresent();

        // the store on the new layout: due rows claimed in id order across partitions, settled, found
        List<OutboxRow> claimed = outbox.store.claim("relay-2", 100, Duration.ofMinutes(1));
        assertThat(OutboxFixture.ids(claimed)).containsExactlyInAnyOrder(due.get(0), due.get(1), due.get(2),
                highestId + 2, highestId + 3, highestId + 4);
        assertThat(outbox.store.markPublished("relay-2", OutboxFixture.ids(claimed))).isEqualTo(claimed.size());
        assertThat(outbox.store.markPublished("relay-1", List.of(highestId - 2))).as("the old lease still settles")
                .isOne();
        assertThat(outbox.count("orders_outbox WHERE status IN ('pending', 'sending')")).as("the retry waits")
                .isOne();
    }

    @Test
    void anIdempotentPublishWhoseRowConflictsOnItsIdIsRefusedNotPassedBy() throws Exception {
        // a SQL producer took the id the identity hands out next
        outbox.execute("INSERT INTO billing_outbox (id, event_type, payload)"
                + " VALUES ((SELECT coalesce(max(id), 0) + 1 FROM billing_outbox), 'invoice.issued', '\\x7b7d')");
        UUID eventId = UUID.randomUUID();
        assertThatThrownBy(() -> outbox.publishCommitted(List.of(OutboxEvent.builder("invoice.issued")
                .eventId(eventId).json("{}").build()))).isInstanceOf(DuplicateEventException.class)
                .hasMessageContaining("unique column");
        assertThat(outbox.count("billing_outbox WHERE event_id = '" + eventId + "'")).isZero();
    }

    @Test
    void aPartitionWidthOfAFractionOfASecondIsRefused() throws Exception {
        assertThatThrownBy(() -> migrator.migrateToTimePartitions(OutboxFixture.ORDERS, Duration.ofMillis(1500)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whole seconds");
    }
}
