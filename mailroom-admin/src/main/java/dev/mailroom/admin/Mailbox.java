package dev.mailroom.admin;

import dev.mailroom.internal.Arguments;

/** A table operators look into: a service's outbox, or a consumer group's inbox. */
public record Mailbox(Kind kind, String name) {

    public enum Kind {
        OUTBOX, INBOX;

        String prefix() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Mailbox {
        Arguments.requireNonNull(kind, "kind");
        Arguments.requireNonNull(name, "name");
    }

    /** The outbox of a service. */
    public static Mailbox outbox(String service) {
        return new Mailbox(Kind.OUTBOX, service);
    }

    /** The inbox of a consumer group. */
    public static Mailbox inbox(String group) {
        return new Mailbox(Kind.INBOX, group);
    }

    /** How the audit trail names it: {@code outbox:orders}, {@code inbox:notifications}. */
    public String target() {
        return kind.prefix() + ":" + name;
    }

    @Override
    public String toString() {
        return target();
    }
}
