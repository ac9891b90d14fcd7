package dev.mailroom.jdbc;

import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * An event id that the outbox table already holds, or that one publish call names twice. A publish
 * refused for it writes nothing and leaves the caller's transaction usable.
 */
public final class DuplicateEventException extends StoreException {

    private final List<UUID> eventIds;

    public DuplicateEventException(String table, SQLException cause) {
        super("An event with the same event id is already in the outbox", table, cause);
        this.eventIds = List.of();
    }

    public DuplicateEventException(String table, List<UUID> eventIds, String where) {
        super("Event ids " + eventIds + " are " + where + "; nothing of this publish was written", table, null);
        this.eventIds = List.copyOf(eventIds);
    }

    /** The duplicate event ids, when known. */
    public List<UUID> eventIds() {
        return eventIds;
    }
}
