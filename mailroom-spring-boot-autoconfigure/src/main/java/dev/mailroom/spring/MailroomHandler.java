package dev.mailroom.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a bean as the handler of one event type. The method's first parameter is the
 * payload, decoded from JSON with the application's mapper; it may also take an
 * {@link dev.mailroom.consumer.EventMetadata} and a {@link java.sql.Connection} (the transaction's).
 *
 * <p>The method runs in a Spring transaction that also records the event in the group's inbox, so
 * its writes through {@code JdbcTemplate}, JPA or jOOQ commit together with that record and a
 * redelivered event has no second effect. Throwing rolls everything back; the event is retried with
 * backoff, then dead. An {@link IllegalArgumentException} thrown by a {@linkplain #validator()
 * validating} method marks the payload as poison instead.
 *
 * <pre>{@code
 * @Component
 * class Notifications {
 *     @MailroomHandler("order.placed")
 *     void on(OrderPlaced order, EventMetadata metadata) {
 *         jdbc.update("INSERT INTO notification (order_id) VALUES (?)", order.orderId());
 *     }
 * }
 * }</pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface MailroomHandler {

    /** The event type handled. */
    String value();

    /** The consumer group; by default the consumer group of the service that routes the event type. */
    String group() default "";

    /** The event versions understood; another version is dead-lettered as poison. */
    int[] versions() default {1};

    /**
     * The name of a method of the same bean taking the payload that checks it before the handler runs;
     * an {@link IllegalArgumentException} it throws dead-letters the event as poison.
     */
    String validator() default "";
}
