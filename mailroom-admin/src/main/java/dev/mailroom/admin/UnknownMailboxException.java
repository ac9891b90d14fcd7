package dev.mailroom.admin;

import dev.mailroom.MailroomException;
import java.util.Collection;

/** An operator named a service or consumer group this Mailroom does not know. */
public class UnknownMailboxException extends MailroomException {

    private final Mailbox mailbox;

    public UnknownMailboxException(Mailbox mailbox, Collection<String> known) {
        super("No " + mailbox.kind().name().toLowerCase(java.util.Locale.ROOT) + " named '" + mailbox.name()
                + "'; known: " + known);
        this.mailbox = mailbox;
    }

    public Mailbox mailbox() {
        return mailbox;
    }
}
