package dev.mailroom.relay;

import dev.mailroom.jdbc.dialect.PartitionLeaseSql;
import dev.mailroom.jdbc.store.PartitionLeases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which delivery partitions this relay instance leases: renews its leases every third of the lease,
 * and moves toward its fair share (the partitions divided by the instances alive, rounded up) by
 * taking free or expired partitions, or by giving back its extra ones; then counts the attempt of
 * the batches lost with an instance that died (before this one claims in its former partitions). A partition given back is
 * first claimed from no more, and freed once no batch in flight holds rows of it, so its next
 * owner never sends a key's later row while this instance still has an earlier one in flight.
 * Used by the relay's loop thread only.
 */
final class PartitionKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionKeeper.class);
    /** How soon to look again while short of the fair share: others give partitions back at their next renewal. */
    private static final Duration SHORT_OF_SHARE_RECHECK = Duration.ofSeconds(1);

    private final PartitionLeases leases;
    private final String owner;
    private final Duration lease;
    private final Duration renewEvery;
    private final TreeMap<Integer, Long> owned = new TreeMap<>();
    private final Set<Integer> givingBack = new TreeSet<>();
    private long nextKeepNanos = System.nanoTime();

    PartitionKeeper(PartitionLeases leases, String owner, Duration lease) {
        this.leases = leases;
        this.owner = owner;
        this.lease = lease;
        this.renewEvery = lease.dividedBy(3);
    }

    /**
     * Renews and rebalances when due, and frees the partitions being given back that no batch in
     * flight holds ({@code busy}: the partitions those batches locked rows in).
     */
    void keep(Set<Integer> busy) {
        long now = System.nanoTime();
        if (now - nextKeepNanos >= 0) {
            Duration next = rebalance(busy);
            nextKeepNanos = now + next.toNanos();
            int counted = leases.countLostClaims();
            if (counted > 0) {
                LOG.info("Relay {} counted an attempt for {} rows whose relay died or stopped renewing while sending them",
                        owner, counted);
            }
        }
        freeGivenBack(busy);
    }

    /** The partitions to claim from, partition to epoch: those leased and not being given back. */
    Map<Integer, Long> claimable() {
        Map<Integer, Long> claimable = new TreeMap<>(owned);
        claimable.keySet().removeAll(givingBack);
        return claimable;
    }

    /** How long until the next renewal. */
    Duration untilNextKeep() {
        return Duration.ofNanos(Math.max(0, nextKeepNanos - System.nanoTime()));
    }

    /** Gives every partition back and leaves the instances sharing them (graceful stop). */
    void leave() {
        leases.leave(owner, new ArrayList<>(owned.keySet()));
        owned.clear();
        givingBack.clear();
    }

    private Duration rebalance(Set<Integer> busy) {
        int alive = leases.join(owner, lease);
        Map<Integer, Long> renewed = leases.renew(owner, lease);
        if (!renewed.keySet().containsAll(owned.keySet())) {
            Set<Integer> lost = new TreeSet<>(owned.keySet());
            lost.removeAll(renewed.keySet());
            LOG.warn("Relay {} lost the lease of partitions {} (expired, or taken over)", owner, lost);
        }
        owned.clear();
        owned.putAll(renewed);
        givingBack.retainAll(owned.keySet());
        int share = (PartitionLeaseSql.PARTITIONS + alive - 1) / Math.max(1, alive);
        int keeping = owned.size() - givingBack.size();
        if (keeping > share) {
            List<Integer> extra = new ArrayList<>(owned.descendingKeySet());
            extra.removeAll(givingBack);
            givingBack.addAll(extra.subList(0, keeping - share));
            LOG.info("Relay {} gives back partitions {} ({} instances share {})", owner, givingBack, alive,
                    PartitionLeaseSql.PARTITIONS);
        } else if (keeping < share) {
            // take back partitions being given back before taking others
            for (Iterator<Integer> back = givingBack.iterator(); back.hasNext() && keeping < share; keeping++) {
                back.next();
                back.remove();
            }
            if (keeping < share) {
                Map<Integer, Long> taken = leases.acquire(owner, lease, share - keeping);
                owned.putAll(taken);
                if (!taken.isEmpty()) {
                    LOG.info("Relay {} took partitions {} ({} instances share {})", owner, taken.keySet(), alive,
                            PartitionLeaseSql.PARTITIONS);
                    // more may free up soon (others give back at their renewal); with none taken, the
                    // partitions are all held and the usual cadence will do
                    if (owned.size() - givingBack.size() < share) {
                        return SHORT_OF_SHARE_RECHECK.compareTo(renewEvery) < 0 ? SHORT_OF_SHARE_RECHECK : renewEvery;
                    }
                }
            }
        }
        return renewEvery;
    }

    private void freeGivenBack(Set<Integer> busy) {
        if (givingBack.isEmpty()) {
            return;
        }
        List<Integer> free = new ArrayList<>(givingBack);
        free.removeAll(busy);
        if (free.isEmpty()) {
            return;
        }
        leases.release(owner, free);
        free.forEach(owned::remove);
        givingBack.removeAll(free);
        LOG.debug("Relay {} freed partitions {}", owner, free);
    }
}
