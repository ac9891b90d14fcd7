package dev.mailroom.server.config;

import dev.mailroom.MailroomException;

/** A configuration the server refuses to start with; the message names the key and what is allowed. */
public final class ConfigException extends MailroomException {

    private final String key;

    public ConfigException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
    }

    /** The key at fault, as a dotted path ({@code services.orders.relay.batch-size}). */
    public String key() {
        return key;
    }
}
