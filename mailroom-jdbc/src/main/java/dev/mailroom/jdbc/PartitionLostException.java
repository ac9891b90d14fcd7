package dev.mailroom.jdbc;

import java.util.Collection;
import java.util.List;

/**
 * A batch claimed under partition leases could not be settled: the relay no longer holds the lease
 * (at the epoch it claimed under) of a partition the batch's rows fall into; another instance took
 * it over after the lease expired. Nothing of the outcome was recorded; the batch's attempt was
 * counted for its rows still pending, which the new owner delivers again.
 */
public final class PartitionLostException extends StoreException {

    private final Collection<Integer> partitions;

    public PartitionLostException(String table, String owner, Collection<Integer> partitions) {
        super("relay " + owner + " no longer holds the lease of partitions " + partitions
                + "; its batch is not settled", table, null);
        this.partitions = List.copyOf(partitions);
    }

    /** The partitions whose leases were lost. */
    public Collection<Integer> partitions() {
        return partitions;
    }
}
