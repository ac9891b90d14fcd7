package dev.mailroom.consumer;

import java.sql.Connection;

/**
 * Handles one event type. Do the work on {@code transaction}: it commits together with the inbox
 * record, so a redelivered event never takes effect twice. Never commit or roll back yourself.
 * Throwing means a transient failure: everything rolls back and the event is retried with backoff,
 * then dead after the maximum number of attempts.
 */
@FunctionalInterface
public interface EventHandler<T> {

    void handle(T payload, EventMetadata metadata, Connection transaction) throws Exception;
}
