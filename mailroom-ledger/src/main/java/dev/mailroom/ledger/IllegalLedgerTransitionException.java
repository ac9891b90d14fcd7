package dev.mailroom.ledger;

import dev.mailroom.MailroomException;

/** The item's state does not allow that change (for example resolving an abandoned item). Nothing changed. */
public final class IllegalLedgerTransitionException extends MailroomException {

    IllegalLedgerTransitionException(long itemId, LedgerState from, LedgerState to) {
        super("Ledger item " + itemId + " is " + from.dbValue() + " and cannot become " + to.dbValue());
    }
}
