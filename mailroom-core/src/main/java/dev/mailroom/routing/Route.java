package dev.mailroom.routing;

/**
 * Where one event type goes: the service that owns it (and so its outbox table and consumer
 * group) and the topic it is delivered to.
 */
public record Route(String eventType, ServiceRoute service, String topic) {

    public TableName table() {
        return service.table();
    }

    public String consumerGroup() {
        return service.consumerGroup();
    }
}
