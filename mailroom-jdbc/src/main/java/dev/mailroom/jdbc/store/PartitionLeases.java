package dev.mailroom.jdbc.store;

import dev.mailroom.jdbc.dialect.PartitionLeaseOperations;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;

/**
 * The leases of an outbox table's delivery partitions ({@code <table>_partitions}) and the relay
 * instances sharing them ({@code <table>_relays}); each call one short transaction of the relay's
 * bookkeeping. Which partitions an instance should hold is the relay's to decide.
 */
public final class PartitionLeases {

    private final StoreTransactions transactions;
    private final PartitionLeaseOperations operations;
    private final PartitionClaims claims;

    PartitionLeases(StoreTransactions transactions, PartitionLeaseOperations operations, PartitionClaims claims) {
        this.transactions = transactions;
        this.operations = operations;
        this.claims = claims;
    }

    /**
     * Counts the attempt of the claims of instances no longer alive (they may have died sending those
     * rows) for each of their rows still pending, dead at max attempts; returns the rows counted. An
     * instance calls it after taking partitions over, before it claims in them.
     */
    public int countLostClaims() {
        return claims.countLostClaims();
    }

    /** Records that {@code owner} runs for {@code ttl} more; answers how many instances are alive, itself included. */
    public int join(String owner, Duration ttl) {
        StoreJdbc.requireOwner(owner);
        return transactions.relay("join the relays sharing partitions", false,
                connection -> operations.join(connection, owner, ttl));
    }

    /** Removes {@code owner} from the instances sharing the partitions and frees every partition it holds. */
    public void leave(String owner, Collection<Integer> partitions) {
        StoreJdbc.requireOwner(owner);
        transactions.relay("leave the relays sharing partitions", false, connection -> {
            operations.release(connection, owner, partitions);
            operations.leave(connection, owner);
            return null;
        });
    }

    /** Extends the leases {@code owner} still holds (unexpired); answers them, partition to epoch. */
    public Map<Integer, Long> renew(String owner, Duration lease) {
        StoreJdbc.requireOwner(owner);
        return transactions.relay("renew partition leases", false, connection -> operations.renew(connection, owner, lease));
    }

    /** Leases up to {@code count} free or expired partitions to {@code owner}; answers them, partition to epoch. */
    public Map<Integer, Long> acquire(String owner, Duration lease, int count) {
        StoreJdbc.requireOwner(owner);
        StoreJdbc.requireLimit(count);
        return transactions.relay("acquire partition leases", false,
                connection -> operations.acquire(connection, owner, lease, count));
    }

    /** Frees some of {@code owner}'s partitions. */
    public void release(String owner, Collection<Integer> partitions) {
        StoreJdbc.requireOwner(owner);
        transactions.relay("release partition leases", false, connection -> {
            operations.release(connection, owner, partitions);
            return null;
        });
    }

    /** Every partition's owner while its lease runs (free and expired ones absent). */
    public Map<Integer, String> owners() {
        return transactions.retrying("read partition owners", operations::owners);
    }
}
