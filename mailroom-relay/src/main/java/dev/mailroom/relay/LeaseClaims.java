package dev.mailroom.relay;

import dev.mailroom.jdbc.store.ClaimResult;
import dev.mailroom.jdbc.store.DeliveryFailure;
import dev.mailroom.jdbc.store.OutboxRow;
import dev.mailroom.jdbc.store.OutboxStore;
import dev.mailroom.state.OutboxState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link ClaimMode#LEASE}: a committed lease per row, every outcome fenced on the lease owner. */
final class LeaseClaims implements Claims {

    private final OutboxStore store;
    private final RelaySettings settings;

    LeaseClaims(OutboxStore store, RelaySettings settings) {
        this.store = store;
        this.settings = settings;
    }

    @Override
    public Batch claim() {
        ClaimResult claim = store.claimOrNextDue(settings.owner(), settings.batchSize(), settings.lease(),
                settings.orderByKey());
        return new Leased(claim);
    }

    private final class Leased implements Batch {

        private final ClaimResult claim;

        Leased(ClaimResult claim) {
            this.claim = claim;
        }

        @Override
        public List<OutboxRow> rows() {
            return claim.rows();
        }

        @Override
        public Optional<Duration> nextDueIn() {
            return claim.nextDueIn();
        }

        @Override
        public void markDead(OutboxRow row, String reason) {
            store.markDead(row.id(), settings.owner(), reason);
        }

        @Override
        public Map<Long, OutboxState> settle(List<Long> published, List<DeliveryFailure> failures, List<Long> unfinished) {
            store.markPublished(settings.owner(), published);
            if (!unfinished.isEmpty()) {
                store.release(settings.owner(), unfinished);
            }
            return failures.isEmpty() ? Map.of() : store.markFailed(settings.owner(), failures);
        }

        @Override
        public void abandon() {
            // the leases expire and the reaper frees the rows
        }
    }
}
