package dev.mailroom.ledger;

import dev.mailroom.MailroomException;

/** An operator change named a version the item no longer has: someone changed it first. Nothing changed. */
public final class StaleVersionException extends MailroomException {

    private final long itemId;
    private final long expectedVersion;
    private final long actualVersion;

    StaleVersionException(long itemId, long expectedVersion, long actualVersion) {
        super("Ledger item " + itemId + " is at version " + actualVersion + ", not " + expectedVersion
                + "; reload it and decide again");
        this.itemId = itemId;
        this.expectedVersion = expectedVersion;
        this.actualVersion = actualVersion;
    }

    public long itemId() {
        return itemId;
    }

    public long expectedVersion() {
        return expectedVersion;
    }

    public long actualVersion() {
        return actualVersion;
    }
}
