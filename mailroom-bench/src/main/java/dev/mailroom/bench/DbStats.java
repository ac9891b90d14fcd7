package dev.mailroom.bench;

/**
 * Row writes and log bytes counted by the server at one moment (what they cover depends on the
 * database: {@link BenchDatabase#statsScope()}); hot updates are PostgreSQL's, zero elsewhere.
 */
record DbStats(long inserts, long updates, long hotUpdates, long deletes, long logBytes) {

    DbStats minus(DbStats before) {
        return new DbStats(inserts - before.inserts, updates - before.updates, hotUpdates - before.hotUpdates,
                deletes - before.deletes, logBytes - before.logBytes);
    }

    long rowWrites() {
        return inserts + updates + deletes;
    }
}
