package dev.mailroom.admin;

import dev.mailroom.MailroomException;

/** An operator write (replay, discard, skip, a ledger change) while writes are not enabled. */
public class WritesDisabledException extends MailroomException {

    public WritesDisabledException(String operation) {
        super(operation + " refused: operator writes are not enabled (read-only)");
    }
}
