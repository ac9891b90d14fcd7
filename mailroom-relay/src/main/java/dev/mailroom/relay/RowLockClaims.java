package dev.mailroom.relay;

import dev.mailroom.jdbc.store.DeliveryFailure;
import dev.mailroom.jdbc.store.LockedBatch;
import dev.mailroom.jdbc.store.OutboxRow;
import dev.mailroom.jdbc.store.OutboxStore;
import dev.mailroom.state.OutboxState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link ClaimMode#ROW_LOCK}: rows locked by a transaction held open until the batch is settled in it. */
final class RowLockClaims implements Claims {

    private final OutboxStore store;
    private final RelaySettings settings;

    RowLockClaims(OutboxStore store, RelaySettings settings) {
        this.store = store;
        this.settings = settings;
    }

    @Override
    public Batch claim() {
        return new Locked(store.lockOrNextDue(settings.batchSize(), settings.orderByKey()));
    }

    private record Locked(LockedBatch batch) implements Batch {

        @Override
        public List<OutboxRow> rows() {
            return batch.rows();
        }

        @Override
        public Optional<Duration> nextDueIn() {
            return batch.nextDueIn();
        }

        @Override
        public void markDead(OutboxRow row, String reason) {
            batch.markDead(row, reason);
        }

        /** Unfinished rows need nothing: they were never changed, and the commit releases their locks. */
        @Override
        public Map<Long, OutboxState> settle(List<Long> published, List<DeliveryFailure> failures, List<Long> unfinished) {
            return batch.settle(published, failures);
        }

        @Override
        public void abandon() {
            batch.close();
        }
    }
}
