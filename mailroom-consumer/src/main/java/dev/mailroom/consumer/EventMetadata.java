package dev.mailroom.consumer;

import java.util.Map;
import java.util.UUID;

/** What a handler knows about the event besides its payload. Headers include the CloudEvents ones. */
public record EventMetadata(
        UUID eventId,
        String eventType,
        int eventVersion,
        String key,
        String tenantId,
        String correlationId,
        String source,
        Map<String, String> headers) {
}
