package dev.mailroom.bench;

import dev.mailroom.event.OutboxEvent;
import dev.mailroom.jdbc.dialect.OutboxOperations;
import dev.mailroom.jdbc.dialect.RelayTransaction;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.routing.TableName;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether the key-ordered claim walks a key's delivered history: one key with {@code history}
 * published rows (kept, as the relay keeps them) and a few new pending rows, claimed in key order
 * (the relay's own operation, in the relay's transaction settings, rolled back each time), against
 * the same claim for a key with no history. Times are per claim; the reads are the server's counts
 * for one claim ({@link BenchDatabase#sessionReads}, the cost of reading them taken off).
 */
final class KeyOrderProbe {

    private static final String HOT_KEY = "key-with-history";
    private static final String FRESH_KEY = "key-without-history";
    private static final int NEW_ROWS = 10;
    private static final int PROBES = 50;

    private final BenchEnvironment env;
    private final int batchSize;
    private final OutboxOperations operations;

    KeyOrderProbe(BenchEnvironment env, int batchSize) {
        this.env = env;
        this.batchSize = batchSize;
        this.operations = env.database.dialect().outbox(TableName.of(BenchEnvironment.TABLE));
    }

    Map<String, Object> measure(int history) throws Exception {
        env.resetOutbox();
        publish(HOT_KEY, 0, history);
        markAllPublished();
        env.database.analyze(env, BenchEnvironment.TABLE);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("delivered_rows_of_the_key", history);
        result.put("new_pending_rows", NEW_ROWS);
        result.put("claim_batch_size", batchSize);
        publish(HOT_KEY, history, NEW_ROWS);
        result.put("key_with_history", probe());
        markAllPublished();
        publish(FRESH_KEY, history + NEW_ROWS, NEW_ROWS);
        result.put("key_without_history", probe());
        return result;
    }

    private void publish(String key, long from, int count) throws Exception {
        try (Connection connection = env.dataSource.getConnection()) {
            connection.setAutoCommit(false);
            for (int done = 0; done < count; done += 500) {
                List<OutboxEvent> events = new ArrayList<>();
                for (int i = done; i < Math.min(count, done + 500); i++) {
                    events.add(OutboxEvent.builder("order.placed").key(key)
                            .payload(BenchEnvironment.payload(from + i), OutboxEvent.JSON).build());
                }
                env.publisher.publishAll(connection, events);
                connection.commit();
            }
        }
    }

    /** Marks every pending row published, as the relay's row-lock claims do, in batches. */
    private void markAllPublished() throws Exception {
        try (Connection connection = env.dataSource.getConnection()) {
            connection.setAutoCommit(false);
            while (true) {
                List<Long> ids = operations.lock(connection, false, 1000, 1000, rs -> rs.getLong(1));
                if (ids.isEmpty()) {
                    connection.commit();
                    return;
                }
                operations.markPublished(connection, ids, null, false);
                connection.commit();
            }
        }
    }

    /** {@value #PROBES} key-ordered claims of the new rows, each rolled back; times and one claim's reads. */
    private Map<String, Object> probe() throws Exception {
        SqlDialect dialect = env.database.dialect();
        double[] millis = new double[PROBES];
        Map<String, Long> reads = null;
        int claimed = 0;
        try (Connection connection = env.dataSource.getConnection()) {
            connection.setAutoCommit(false);
            for (int i = 0; i < PROBES; i++) {
                SqlDialect.SessionChanges changes = dialect.beginRelayTransaction(connection,
                        new RelayTransaction(true, false, null));
                Map<String, Long> before = env.database.sessionReads(connection);
                Map<String, Long> baseline = env.database.sessionReads(connection);
                long start = System.nanoTime();
                List<Long> rows = operations.lock(connection, true, batchSize * 4, batchSize, rs -> rs.getLong(1));
                millis[i] = (System.nanoTime() - start) / 1e6;
                Map<String, Long> after = env.database.sessionReads(connection);
                connection.rollback();
                changes.undo(connection);
                claimed = rows.size();
                reads = minus(minus(after, baseline), minus(baseline, before));
            }
        }
        Arrays.sort(millis);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("rows_claimed", claimed);
        result.put("claim_ms_median", Ceilings.round(millis[PROBES / 2]));
        result.put("claim_ms_p90", Ceilings.round(millis[PROBES * 9 / 10]));
        result.put("reads_of_one_claim", reads);
        return result;
    }

    private static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> delta = new LinkedHashMap<>();
        after.forEach((name, value) -> delta.put(name, value - before.getOrDefault(name, 0L)));
        return delta;
    }
}
