package dev.mailroom.jdbc;

import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * An event id that the outbox table already holds, or that one publish call names twice. When the
 * publisher found it (a caller-chosen id, {@link #eventIds()} not empty), the publish wrote nothing
 * and the caller's transaction is still usable. Without ids, the database refused a generated id
 * that was there already (one {@code OutboxEvent} published twice) and the transaction is aborted.
 */
public final class DuplicateEventException extends StoreException {

    private final List<UUID> eventIds;

    public DuplicateEventException(String table, SQLException cause) {
        super("An event with the same event id is already in the outbox", table, cause);
        this.eventIds = List.of();
    }

    public DuplicateEventException(String table, List<UUID> eventIds, String where) {
        super("Event ids " + eventIds + " are " + where, table, null);
        this.eventIds = List.copyOf(eventIds);
    }

    /** The duplicate event ids, when known. */
    public List<UUID> eventIds() {
        return eventIds;
    }
}
