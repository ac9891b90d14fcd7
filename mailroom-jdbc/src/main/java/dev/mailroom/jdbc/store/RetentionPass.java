package dev.mailroom.jdbc.store;

/**
 * What one pass of {@link OutboxStore#retain} did. On an unpartitioned table only {@code rowsDeleted}
 * counts; on the time-partitioned layout the partitions created ahead, dropped with their delivered
 * history, kept (still holding more undelivered or dead rows than a pass moves, or the table's lock
 * was busy) and the rows moved from dropped partitions to the default one, plus the rows deleted
 * from the default partition.
 */
public record RetentionPass(long rowsDeleted, int partitionsCreated, int partitionsDropped, int partitionsKept,
                            long rowsMoved) {

    static RetentionPass rows(long deleted) {
        return new RetentionPass(deleted, 0, 0, 0, 0);
    }

    /** Whether the pass changed anything. */
    public boolean changedAnything() {
        return rowsDeleted > 0 || partitionsCreated > 0 || partitionsDropped > 0 || rowsMoved > 0;
    }
}
