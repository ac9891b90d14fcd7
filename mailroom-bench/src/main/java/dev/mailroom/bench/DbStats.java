package dev.mailroom.bench;

import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Row writes on the outbox table (from {@code pg_stat_user_tables}) and WAL written by the whole
 * server, at one moment. PostgreSQL publishes a backend's statistics when it exits or after it was
 * idle a while, so a snapshot first closes the pool's idle connections, then waits until two reads
 * a second apart agree.
 */
record DbStats(long inserts, long updates, long hotUpdates, long deletes, long walBytes) {

    static DbStats take(BenchEnvironment env) throws SQLException {
        env.dataSource.getHikariPoolMXBean().softEvictConnections();
        DbStats previous = read(env);
        for (int i = 0; i < 10; i++) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1100));
            DbStats current = read(env);
            if (current.inserts == previous.inserts && current.updates == previous.updates
                    && current.deletes == previous.deletes) {
                return current;
            }
            previous = current;
        }
        return previous;
    }

    private static DbStats read(BenchEnvironment env) throws SQLException {
        String row = env.queryString("SELECT n_tup_ins || ',' || n_tup_upd || ',' || n_tup_hot_upd || ',' || n_tup_del"
                + " || ',' || pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint FROM pg_stat_user_tables"
                + " WHERE schemaname = 'mailroom_bench' AND relname = '" + BenchEnvironment.TABLE + "'");
        String[] parts = row.split(",");
        return new DbStats(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]),
                Long.parseLong(parts[3]), Long.parseLong(parts[4]));
    }

    DbStats minus(DbStats before) {
        return new DbStats(inserts - before.inserts, updates - before.updates, hotUpdates - before.hotUpdates,
                deletes - before.deletes, walBytes - before.walBytes);
    }

    long rowWrites() {
        return inserts + updates + deletes;
    }
}
