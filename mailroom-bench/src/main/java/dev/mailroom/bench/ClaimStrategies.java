package dev.mailroom.bench;

import dev.mailroom.jdbc.store.OutboxRow;
import dev.mailroom.jdbc.store.OutboxStore;
import dev.mailroom.routing.TableName;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A database-only experiment on the drain's biggest cost: how the relay claims and settles rows.
 * Each strategy empties the same backlog in batches with no transport in between, so only the
 * table's work is measured:
 * <ul>
 *   <li>{@code lease}: Mailroom today, through {@link OutboxStore}: a claim UPDATE (status
 *       {@code sending}, lease) committed, then an UPDATE to {@code published};</li>
 *   <li>{@code row_lock_update}: rows locked with {@code FOR UPDATE SKIP LOCKED} in a transaction
 *       kept open while the batch would be sent, then one UPDATE to {@code published};</li>
 *   <li>{@code row_lock_delete}: the same, deleting the rows instead.</li>
 * </ul>
 * The two lock strategies' SQL is the experiment's own, not Mailroom's; both commit asynchronously,
 * as the relay's bookkeeping does.
 */
final class ClaimStrategies {

    private static final String LOCK = "SELECT id, event_id, event_type, event_key, payload, content_type, headers,"
            + " tenant_id, correlation_id, event_version, attempts, created_at FROM " + BenchEnvironment.TABLE
            + " WHERE status = 'pending' AND next_attempt_at <= now() ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED";
    private static final String PUBLISH = "UPDATE " + BenchEnvironment.TABLE
            + " SET status = 'published', published_at = now(), updated_at = now() WHERE id = ANY(?)";
    private static final String DELETE = "DELETE FROM " + BenchEnvironment.TABLE + " WHERE id = ANY(?)";

    private final BenchEnvironment env;
    private final int batchSize;

    ClaimStrategies(BenchEnvironment env, int batchSize) {
        this.env = env;
        this.batchSize = batchSize;
    }

    /** Every strategy on a backlog of {@code backlog} rows. */
    Map<String, Object> compare(int backlog) throws Exception {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("lease", measure(backlog, this::drainWithLeases));
        result.put("row_lock_update", measure(backlog, () -> drainWithRowLocks(PUBLISH)));
        result.put("row_lock_delete", measure(backlog, () -> drainWithRowLocks(DELETE)));
        result.put("settings", "batch " + batchSize + ", one claimer, no transport, asynchronous commit, plain"
                + " (not key-ordered) claims");
        return result;
    }

    @FunctionalInterface
    private interface Drain {
        long run() throws Exception;
    }

    private Map<String, Object> measure(int backlog, Drain drain) throws Exception {
        env.resetOutbox();
        env.fillBacklog(backlog);
        DbStats before = DbStats.take(env);
        long start = System.nanoTime();
        long rows = drain.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        DbStats delta = DbStats.take(env).minus(before);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("rows", rows);
        result.put("seconds", Ceilings.round(seconds));
        result.put("rows_per_second", Math.round(rows / seconds));
        result.put("row_writes_per_event", Ceilings.round((double) delta.rowWrites() / backlog));
        result.put("wal_bytes_per_event", Math.round((double) delta.walBytes() / backlog));
        result.put("table_bytes_after", env.queryLong("SELECT pg_total_relation_size('" + BenchEnvironment.TABLE + "')"));
        return result;
    }

    private long drainWithLeases() {
        OutboxStore store = OutboxStore.create(env.dataSource, TableName.of(BenchEnvironment.TABLE)).withAsynchronousCommit();
        long rows = 0;
        while (true) {
            List<OutboxRow> claimed = store.claim("claim-experiment", batchSize, Duration.ofMinutes(1));
            if (claimed.isEmpty()) {
                return rows;
            }
            List<Long> ids = new ArrayList<>(claimed.size());
            claimed.forEach(row -> ids.add(row.id()));
            rows += store.markPublished("claim-experiment", ids);
        }
    }

    private long drainWithRowLocks(String settle) throws Exception {
        long rows = 0;
        try (Connection connection = env.dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement async = connection.createStatement();
                 PreparedStatement lock = connection.prepareStatement(LOCK);
                 PreparedStatement finish = connection.prepareStatement(settle)) {
                while (true) {
                    async.execute("SET LOCAL synchronous_commit = off");
                    lock.setInt(1, batchSize);
                    List<Long> ids = new ArrayList<>(batchSize);
                    try (ResultSet rs = lock.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getLong(1));
                            rs.getBytes(5);
                        }
                    }
                    if (ids.isEmpty()) {
                        connection.commit();
                        return rows;
                    }
                    Array array = connection.createArrayOf("bigint", ids.toArray());
                    finish.setArray(1, array);
                    rows += finish.executeUpdate();
                    connection.commit();
                }
            }
        }
    }
}
