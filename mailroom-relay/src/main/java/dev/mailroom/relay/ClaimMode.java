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
    LEASE
}
