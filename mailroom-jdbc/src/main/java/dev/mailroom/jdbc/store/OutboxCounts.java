package dev.mailroom.jdbc.store;

import dev.mailroom.state.OutboxState;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Row counts per state (every state present, zero when empty) and the age of the oldest row not
 * yet delivered (pending or sending), empty when there is none.
 */
public record OutboxCounts(Map<OutboxState, Long> byState, Optional<Duration> oldestUndeliveredAge) {

    public long count(OutboxState state) {
        return byState.getOrDefault(state, 0L);
    }
}
