package dev.mailroom.bench;

import dev.mailroom.jdbc.store.LockedBatch;
import dev.mailroom.jdbc.store.OutboxRow;
import dev.mailroom.jdbc.store.OutboxStore;
import dev.mailroom.routing.TableName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A database-only experiment on the drain's biggest costs: how the relay claims and settles rows,
 * and what per-key ordering adds. Each strategy empties the same backlog through Mailroom's own
 * store, in batches, with no transport in between, so only the table's work is measured: lease
 * claims (claim UPDATE to {@code sending}, then UPDATE to {@code published}) and row-lock claims
 * (rows locked by a transaction held open, then one UPDATE, or a DELETE for a store that keeps no
 * history), each with and without key order. Bookkeeping commits asynchronously where the database
 * allows it per transaction (PostgreSQL), as in the relay.
 */
final class ClaimStrategies {

    private static final String OWNER = "claim-experiment";

    private final BenchEnvironment env;
    private final int batchSize;

    ClaimStrategies(BenchEnvironment env, int batchSize) {
        this.env = env;
        this.batchSize = batchSize;
    }

    /** Every strategy on a backlog of {@code backlog} rows. */
    Map<String, Object> compare(int backlog) throws Exception {
        OutboxStore store = OutboxStore.create(env.dataSource, TableName.of(BenchEnvironment.TABLE)).withAsynchronousCommit();
        OutboxStore deleting = store.withPublishedRowsDeleted();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("lease", measure(backlog, () -> drainWithLeases(store, false)));
        result.put("lease_key_ordered", measure(backlog, () -> drainWithLeases(store, true)));
        result.put("row_lock", measure(backlog, () -> drainWithRowLocks(store, false)));
        result.put("row_lock_key_ordered", measure(backlog, () -> drainWithRowLocks(store, true)));
        result.put("row_lock_delete", measure(backlog, () -> drainWithRowLocks(deleting, false)));
        result.put("row_lock_key_ordered_delete", measure(backlog, () -> drainWithRowLocks(deleting, true)));
        result.put("settings", "batch " + batchSize + ", one claimer, no transport, transactions as the relay's ("
                + env.database.relayDefaults() + ")");
        return result;
    }

    @FunctionalInterface
    private interface Drain {
        long run() throws Exception;
    }

    private Map<String, Object> measure(int backlog, Drain drain) throws Exception {
        env.resetOutbox();
        env.fillBacklog(backlog);
        DbStats before = env.database.stats(env);
        long start = System.nanoTime();
        long rows = drain.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        DbStats delta = env.database.stats(env).minus(before);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("rows", rows);
        result.put("seconds", Ceilings.round(seconds));
        result.put("rows_per_second", Math.round(rows / seconds));
        result.putAll(env.database.writeCosts(delta, backlog));
        result.put("table_bytes_after", env.database.tableBytes(env, BenchEnvironment.TABLE));
        return result;
    }

    private long drainWithLeases(OutboxStore store, boolean keyOrdered) {
        long rows = 0;
        while (true) {
            List<OutboxRow> claimed = keyOrdered ? store.claimInKeyOrder(OWNER, batchSize, Duration.ofMinutes(1))
                    : store.claim(OWNER, batchSize, Duration.ofMinutes(1));
            if (claimed.isEmpty()) {
                return rows;
            }
            rows += store.markPublished(OWNER, ids(claimed));
        }
    }

    private long drainWithRowLocks(OutboxStore store, boolean keyOrdered) {
        long rows = 0;
        while (true) {
            try (LockedBatch batch = store.lockOrNextDue(batchSize, keyOrdered)) {
                if (batch.rows().isEmpty()) {
                    return rows;
                }
                batch.settle(ids(batch.rows()), List.of());
                rows += batch.rows().size();
            }
        }
    }

    private static List<Long> ids(List<OutboxRow> rows) {
        List<Long> ids = new ArrayList<>(rows.size());
        rows.forEach(row -> ids.add(row.id()));
        return ids;
    }
}
