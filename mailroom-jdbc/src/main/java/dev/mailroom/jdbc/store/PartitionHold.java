package dev.mailroom.jdbc.store;

import java.util.Map;
import java.util.Set;

/**
 * What a batch claimed under partition leases holds: the leases it claimed under (partition to
 * epoch, for every partition it locked rows in), the rows it locked (those sent and those passed
 * by), and the keys of all of them. The claimer passes the rows and keys by in its next claims
 * while the batch is in flight, and keeps the batch's partitions until it is settled.
 */
public record PartitionHold(String owner, Map<Integer, Long> epochs, Set<Long> lockedIds, Set<String> lockedKeys) {

    public PartitionHold {
        epochs = Map.copyOf(epochs);
        lockedIds = Set.copyOf(lockedIds);
        lockedKeys = Set.copyOf(lockedKeys);
    }
}
