package dev.mailroom.relay;

import dev.mailroom.jdbc.store.DeliveryFailure;
import dev.mailroom.jdbc.store.OutboxRow;
import dev.mailroom.jdbc.store.OutboxStore;
import dev.mailroom.jdbc.store.PartitionBatch;
import dev.mailroom.jdbc.store.PartitionHold;
import dev.mailroom.state.OutboxState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@link ClaimMode#PARTITION_LEASE}: batches within the delivery partitions this instance leases
 * ({@link PartitionKeeper}). No other relay claims there, so a claim locks nothing and needs no
 * per-key probe: it passes by what this instance's own batches in flight hold (their rows and keys)
 * and hands out the oldest row of each key. Settling is fenced on the leases' epochs.
 */
final class PartitionLeaseClaims implements Claims {

    private final OutboxStore store;
    private final RelaySettings settings;
    private final PartitionKeeper keeper;
    /** What the batches claimed and not yet settled or given up hold, oldest first. */
    private final List<PartitionHold> inFlight = new ArrayList<>();

    PartitionLeaseClaims(OutboxStore store, RelaySettings settings) {
        this.store = store;
        this.settings = settings;
        this.keeper = new PartitionKeeper(store.partitionLeases().orElseThrow(), settings.owner(), settings.lease());
    }

    @Override
    public Batch claim() {
        Set<Integer> busy = new HashSet<>();
        Set<Long> heldIds = new HashSet<>();
        Set<String> heldKeys = new HashSet<>();
        for (PartitionHold hold : inFlight) {
            busy.addAll(hold.epochs().keySet());
            heldIds.addAll(hold.lockedIds());
            heldKeys.addAll(hold.lockedKeys());
        }
        keeper.keep(busy);
        Map<Integer, Long> claimable = keeper.claimable();
        if (claimable.isEmpty()) {
            return new Held(null, null, Optional.of(keeper.untilNextKeep()));
        }
        PartitionBatch batch = store.claimInPartitions(settings.owner(), claimable, heldIds, heldKeys,
                settings.batchSize());
        PartitionHold hold = batch.hold();
        if (!batch.rows().isEmpty()) {
            inFlight.add(hold);
        }
        Duration untilKeep = keeper.untilNextKeep();
        Optional<Duration> nextDue = batch.rows().isEmpty()
                ? Optional.of(batch.nextDueIn().filter(due -> due.compareTo(untilKeep) < 0).orElse(untilKeep))
                : Optional.empty();
        return new Held(batch, hold, nextDue);
    }

    /** Gives the partitions back once the relay has settled its last batch. */
    @Override
    public void close() {
        keeper.leave();
    }

    /** A batch, or none when this instance leases no partition yet. */
    private final class Held implements Batch {

        private final PartitionBatch batch;
        private final PartitionHold hold;
        private final Optional<Duration> nextDueIn;

        Held(PartitionBatch batch, PartitionHold hold, Optional<Duration> nextDueIn) {
            this.batch = batch;
            this.hold = hold;
            this.nextDueIn = nextDueIn;
        }

        @Override
        public List<OutboxRow> rows() {
            return batch == null ? List.of() : batch.rows();
        }

        @Override
        public Optional<Duration> nextDueIn() {
            return nextDueIn;
        }

        @Override
        public void markDead(OutboxRow row, String reason) {
            batch.markDead(row, reason);
        }

        @Override
        public Map<Long, OutboxState> settle(List<Long> published, List<DeliveryFailure> failures, List<Long> unfinished) {
            try {
                return batch.settle(published, failures);
            } finally {
                inFlight.remove(hold);
            }
        }

        /** Nothing to undo: the rows stay pending and are claimed again; the journal record goes. */
        @Override
        public void abandon() {
            inFlight.remove(hold);
            if (batch != null) {
                batch.abandon();
            }
        }
    }
}
