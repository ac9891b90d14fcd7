package dev.mailroom.transport;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One event on its way to a transport: the payload bytes unchanged plus the metadata a transport
 * maps to its own headers (CloudEvents attributes for Kafka).
 *
 * @param destination the routed topic (or queue, subject)
 * @param source      the CloudEvents source of the publishing service, e.g. {@code /mailroom/orders}
 * @param time        when the event was recorded in the outbox
 */
public record Envelope(
        UUID eventId,
        String eventType,
        String key,
        byte[] payload,
        String contentType,
        Map<String, String> headers,
        String tenantId,
        String correlationId,
        int eventVersion,
        Instant time,
        String destination,
        String source) {

    public Envelope {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(destination, "destination");
        headers = headers == null ? Map.of() : headers;
    }

    @Override
    public String toString() {
        return "Envelope[" + eventType + " " + eventId + " -> " + destination + ", key=" + key + "]";
    }
}
