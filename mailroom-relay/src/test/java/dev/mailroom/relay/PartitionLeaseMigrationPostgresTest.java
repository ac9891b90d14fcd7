package dev.mailroom.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.jdbc.schema.SchemaMigrator;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;
import dev.mailroom.transport.Transport;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Migration V6 (partition leases) applied to a table at V5 holding rows in every state and a row-lock
 * claim journal record: no row changes, the partitions start free, and a partition-leased relay then
 * delivers what was due, in key order, leaving every finished or dead row as it was.
 */
@WithPostgres
class PartitionLeaseMigrationPostgresTest extends EmptyOutboxContract {

    private static final String SNAPSHOT = "SELECT string_agg(concat_ws('|', id, event_key, status, attempts, holds_key,"
            + " lease_owner, last_error, published_at IS NULL), ';' ORDER BY id) FROM orders_outbox";

    PartitionLeaseMigrationPostgresTest(TestDatabase database) {
        super(database);
    }

    @Test
    void v6KeepsEveryRowAsItWasAndAPartitionLeasedRelayDeliversTheDueOnesInKeyOrder() throws Exception {
        backToV5();
        outbox.execute("INSERT INTO orders_outbox (event_type, event_key, payload, status, attempts, next_attempt_at,"
                + " lease_owner, lease_expires_at, published_at, consumed_at, holds_key, last_error) VALUES"
                + " ('order.placed', 'a', convert_to('{\"seq\":0}', 'UTF8'), 'published', 0, now(), NULL, NULL, now(), NULL, false, NULL),"
                + " ('order.placed', 'a', convert_to('{\"seq\":1}', 'UTF8'), 'pending', 0, now(), NULL, NULL, NULL, NULL, false, NULL),"
                + " ('order.placed', 'a', convert_to('{\"seq\":2}', 'UTF8'), 'pending', 0, now(), NULL, NULL, NULL, NULL, false, NULL),"
                + " ('order.placed', 'b', convert_to('{\"seq\":0}', 'UTF8'), 'sending', 0, now(), 'old-relay', now() + interval '1 second', NULL, NULL, false, NULL),"
                + " ('order.placed', 'b', convert_to('{\"seq\":1}', 'UTF8'), 'pending', 0, now(), NULL, NULL, NULL, NULL, false, NULL),"
                + " ('order.placed', 'c', convert_to('{\"seq\":0}', 'UTF8'), 'pending', 2, now() + interval '1 second', NULL, NULL, NULL, NULL, false, 'broker down'),"
                + " ('order.placed', 'c', convert_to('{\"seq\":1}', 'UTF8'), 'pending', 0, now(), NULL, NULL, NULL, NULL, false, NULL),"
                + " ('order.placed', 'd', convert_to('{\"seq\":0}', 'UTF8'), 'consumed', 0, now(), NULL, NULL, now(), now(), false, NULL),"
                + " ('order.placed', 'e', convert_to('{\"seq\":0}', 'UTF8'), 'dead', 20, now(), NULL, NULL, NULL, NULL, false, 'poison'),"
                + " ('order.placed', 'f', convert_to('{\"seq\":0}', 'UTF8'), 'discarded', 20, now(), NULL, NULL, NULL, NULL, false, 'poison'),"
                + " ('order.placed', NULL, convert_to('{\"seq\":0}', 'UTF8'), 'pending', 0, now(), NULL, NULL, NULL, NULL, false, NULL)");
        outbox.execute("INSERT INTO orders_outbox_claims (row_ids) VALUES ('{2}')");
        String before = snapshot();

        assertThat(new SchemaMigrator(outbox.database.dataSource(), outbox.dialect).migrate(RelayFixture.ROUTES))
                .containsEntry("orders", List.of(6));
        assertThat(snapshot()).as("no row changed").isEqualTo(before);
        assertThat(outbox.queryLong("SELECT count(*) FROM orders_outbox_partitions WHERE owner IS NULL AND epoch = 0"))
                .as("every partition free").isEqualTo(64);
        assertThat(outbox.queryLong("SELECT count(*) FROM orders_outbox_claims")).as("the row-lock record kept").isOne();
        assertThat(outbox.queryLong("SELECT count(*) FROM orders_outbox_partition_claims")).isZero();
        outbox.execute("DELETE FROM orders_outbox_claims");

        Map<String, List<Integer>> delivered = new ConcurrentHashMap<>();
        Transport transport = new ScriptedTransport(envelope -> {
            delivered.computeIfAbsent(String.valueOf(envelope.key()), key -> new CopyOnWriteArrayList<>())
                    .add(RelayFixture.sequence(envelope));
            return CompletableFuture.completedFuture(null);
        });
        try (Relay relay = outbox.relay(transport).claimMode(ClaimMode.PARTITION_LEASE).lease(Duration.ofSeconds(3))
                .sendTimeout(Duration.ofMillis(1500)).build().start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> outbox.count("status IN ('pending', 'sending')") == 0);
        }
        assertThat(delivered).containsOnlyKeys("a", "b", "c", "null");
        assertThat(delivered.get("a")).as("the published row not sent again").containsExactly(1, 2);
        assertThat(delivered.get("b")).as("the expired lease's row first").containsExactly(0, 1);
        assertThat(delivered.get("c")).as("the retry first, once due").containsExactly(0, 1);
        assertThat(outbox.count("status = 'published'")).isEqualTo(8);
        assertThat(outbox.count("(event_key = 'd' AND status = 'consumed') OR (event_key = 'e' AND status = 'dead')"
                + " OR (event_key = 'f' AND status = 'discarded')")).as("finished and dead rows untouched").isEqualTo(3);
    }

    /** The table as V5 left it: V6's tables gone, its history row removed. */
    private void backToV5() throws Exception {
        outbox.execute("DROP TABLE orders_outbox_partitions, orders_outbox_relays, orders_outbox_partition_claims");
        outbox.execute("DELETE FROM mailroom_schema_history WHERE scope = 'outbox:orders_outbox' AND version = 6");
    }

    private String snapshot() throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection connection = outbox.database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(SNAPSHOT)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return String.join("\n", rows);
    }
}
