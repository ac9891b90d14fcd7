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
     * partitions an instance is the only claimer, so a claim is one statement that locks no row and
     * probes nothing per row: the oldest row of each key among the oldest due rows, passing by what its
     * own batches in flight hold, recorded in a claim journal under its name. No transaction stays open
     * while sending; the settlement is fenced on the partitions' lease owner and epoch, so an instance
     * that wakes after its partitions passed to another changes nothing. One row write per event. The
     * send timeout must be at most half the lease. Every key's rows go out in order whatever the
     * relay's key-order setting. All relays of a table must use this mode together.
     */
    PARTITION_LEASE
}
