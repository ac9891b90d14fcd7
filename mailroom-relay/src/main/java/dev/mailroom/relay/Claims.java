package dev.mailroom.relay;

import dev.mailroom.jdbc.store.DeliveryFailure;
import dev.mailroom.jdbc.store.OutboxRow;
import dev.mailroom.state.OutboxState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** How the delivery cycle claims a batch and records its outcome, per {@link ClaimMode}. */
interface Claims {

    /** Claims up to the batch size; an empty batch tells when a row becomes claimable without an insert. */
    Batch claim();

    /** After the relay settled its last batch: gives back what the claims hold beyond rows (partition leases). */
    default void close() {
    }

    /** The rows of one claim and the way to record what happened to them. */
    interface Batch {

        List<OutboxRow> rows();

        Optional<Duration> nextDueIn();

        /** A row that cannot be delivered at all (unrouted type): dead with the reason. */
        void markDead(OutboxRow row, String reason);

        /**
         * Records the outcome: acknowledged rows published, failed attempts counted (returns the new
         * state of each failed row), unfinished rows given back without counting an attempt.
         */
        Map<Long, OutboxState> settle(List<Long> published, List<DeliveryFailure> failures, List<Long> unfinished);

        /** Gives the batch up after an error, as far as it can: its rows become claimable again. */
        void abandon();
    }
}
