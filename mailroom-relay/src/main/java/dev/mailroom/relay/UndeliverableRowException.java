package dev.mailroom.relay;

import dev.mailroom.MailroomException;

/** A claimed row that cannot become an envelope as stored; the relay dead-letters it with this reason. */
final class UndeliverableRowException extends MailroomException {

    UndeliverableRowException(String reason) {
        super(reason);
    }
}
