package dev.mailroom.consumer;

/**
 * Checks a decoded payload before the handler sees it. Throw {@link IllegalArgumentException} with
 * the reason: the event is dead-lettered as poison, never retried.
 */
@FunctionalInterface
public interface PayloadValidator<T> {

    void validate(T payload);
}
