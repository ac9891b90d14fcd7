package dev.mailroom.routing;

import dev.mailroom.internal.Arguments;

/**
 * Where one event type goes: the service that owns it (and so its outbox table and consumer
 * group), the topic it is delivered to, and what a dead event of this type does to its key.
 */
public record Route(String eventType, ServiceRoute service, String topic, PoisonPolicy poisonPolicy) {

    public Route {
        Arguments.requireNonNull(poisonPolicy, "poisonPolicy");
    }

    public TableName table() {
        return service.table();
    }

    public String consumerGroup() {
        return service.consumerGroup();
    }
}
