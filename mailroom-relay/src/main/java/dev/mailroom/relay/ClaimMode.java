package dev.mailroom.relay;

/** How a relay holds the rows it is sending; see {@code Relay.Builder#claimMode}. */
public enum ClaimMode {

    /**
     * Rows stay {@code pending}, locked ({@code FOR UPDATE SKIP LOCKED}) by a transaction that stays
     * open while the batch is sent and in which the batch is settled: one row write per delivered
     * event. A relay that dies releases its rows at once (its connection closes); the next claim
     * counts that attempt from the batch's record in the claim journal, so an event that kills its
     * relay ends dead. Holds one pooled connection per batch in flight, and a second one briefly
     * while it records a claim. The default.
     */
    ROW_LOCK,

    /**
     * Rows move to {@code sending} with a lease committed before the send, then to {@code published}:
     * two row writes per event, but no transaction stays open while sending. A relay that dies leaves
     * its rows until the lease expires; the reaper then counts the attempt and frees them.
     */
    LEASE,

    /**
     * PostgreSQL only. Rows fall into 64 delivery partitions by key; each partition is leased to one
     * relay instance at a time ({@code <table>_partitions}), and the instances share them evenly,
     * taking over the partitions of one that stops or dies once its leases expire. Within its
     * partitions an instance claims like {@link #ROW_LOCK} (rows stay pending, locked, settled in the
     * claiming transaction: one row write per event; claim journal) but with no per-key probe and
     * without {@code SKIP LOCKED}: no other relay claims there, so it passes by only what its own
     * batches in flight hold. Settling is fenced on the partition's lease epoch, so an instance that
     * wakes after its partitions passed to another changes nothing. Every key's rows go out in order
     * whatever the relay's key-order setting.
     */
    PARTITION_LEASE
}
