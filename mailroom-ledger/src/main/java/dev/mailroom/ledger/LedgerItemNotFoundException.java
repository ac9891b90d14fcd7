package dev.mailroom.ledger;

import dev.mailroom.MailroomException;

/** No ledger item has that id. */
public final class LedgerItemNotFoundException extends MailroomException {

    LedgerItemNotFoundException(long itemId) {
        super("No ledger item " + itemId);
    }
}
