package dev.mailroom.admin;

import dev.mailroom.MailroomException;

/** A ledger operation where no compensation ledger is configured. */
public class NoLedgerException extends MailroomException {

    public NoLedgerException() {
        super("No compensation ledger is configured");
    }
}
