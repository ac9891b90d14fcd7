package dev.mailroom.consumer;

import java.util.Objects;
import java.util.Set;

/** A handler with how to decode and check its payload, and the event versions it understands. */
record HandlerRegistration<T>(String eventType, Class<T> payloadType, Set<Integer> versions,
                              PayloadValidator<T> validator, EventHandler<T> handler) {

    HandlerRegistration {
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(payloadType, "payloadType");
        Objects.requireNonNull(handler, "handler");
        versions = Set.copyOf(versions);
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("handler of " + eventType + " must support at least one event version");
        }
        validator = validator == null ? payload -> { } : validator;
    }
}
