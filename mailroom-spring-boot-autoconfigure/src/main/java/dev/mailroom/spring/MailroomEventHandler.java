package dev.mailroom.spring;

import dev.mailroom.consumer.EventHandler;
import java.util.Set;

/**
 * A handler bean for one event type, the interface form of {@link MailroomHandler}. {@code handle}
 * receives the payload decoded with the application's mapper, the event's metadata and the
 * connection of the Spring transaction in which the event is recorded in the inbox; writes through
 * {@code JdbcTemplate}, JPA or jOOQ join that transaction too.
 */
public interface MailroomEventHandler<T> extends EventHandler<T> {

    /** The event type handled. */
    String eventType();

    /** The class the JSON payload is decoded into. */
    Class<T> payloadType();

    /** The consumer group; null (the default) for the group of the service that routes the event type. */
    default String group() {
        return null;
    }

    /** The event versions understood. */
    default Set<Integer> versions() {
        return Set.of(1);
    }

    /** Checks a decoded payload; throw {@link IllegalArgumentException} to dead-letter it as poison. */
    default void validate(T payload) {
    }
}
