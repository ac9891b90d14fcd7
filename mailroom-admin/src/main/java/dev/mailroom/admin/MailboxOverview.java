package dev.mailroom.admin;

import dev.mailroom.jdbc.operator.RelayInstance;
import dev.mailroom.state.OutboxState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How one outbox or inbox stands: rows per state (every state present), the age of the oldest row
 * not yet delivered (empty when none), pending rows that failed before ({@code retrying}), dead rows
 * and those of them holding back their key, and, for an outbox, the relay instances that heartbeat
 * for its service (alive or gone).
 */
public record MailboxOverview(Mailbox mailbox, String table, Map<OutboxState, Long> counts,
                              Optional<Duration> oldestUndeliveredAge, long retrying, long heldKeys,
                              List<RelayInstance> relays) {

    public MailboxOverview {
        counts = Map.copyOf(counts);
        relays = List.copyOf(relays);
    }

    public long dead() {
        return counts.getOrDefault(OutboxState.DEAD, 0L);
    }
}
