package dev.mailroom.routing;

import dev.mailroom.internal.Arguments;
import java.util.regex.Pattern;

/**
 * What a service owns: its outbox table, its default topic, the consumer group that reads it, and
 * the notification channel that wakes its relay.
 *
 * @param name          service name: lowercase letters, digits, '_' and '-'
 * @param table         the service's own outbox table
 * @param topic         the default topic of the service's events
 * @param consumerGroup the consumer group that reads the service's topics
 */
public record ServiceRoute(String name, TableName table, String topic, String consumerGroup) {

    /** Longest service name: the channel name {@code mailroom_<service>} must fit in 63 bytes. */
    public static final int MAX_NAME_LENGTH = 48;
    private static final Pattern SERVICE_NAME = Pattern.compile("[a-z][a-z0-9_-]*");
    private static final String CHANNEL_PREFIX = "mailroom_";

    public ServiceRoute {
        if (name == null || name.length() > MAX_NAME_LENGTH || !SERVICE_NAME.matcher(name).matches()) {
            throw new InvalidIdentifierException("Service name", String.valueOf(name),
                    "use lowercase letters, digits, '_' and '-', start with a letter, at most "
                            + MAX_NAME_LENGTH + " characters");
        }
        Arguments.requireNonNull(table, "table");
        Topics.requireValid(topic);
        if (consumerGroup == null || consumerGroup.isBlank()) {
            throw new RouteConfigurationException("Service '" + name + "' needs a consumer group");
        }
    }

    /**
     * The PostgreSQL {@code LISTEN}/{@code NOTIFY} channel that announces new rows of this service.
     * Every insert into the table notifies it on commit (a statement-level trigger), so rows written
     * with plain SQL by other languages wake the relay too.
     */
    public String notifyChannel() {
        return CHANNEL_PREFIX + name;
    }
}
