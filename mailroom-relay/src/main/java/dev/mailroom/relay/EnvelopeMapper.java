package dev.mailroom.relay;

import dev.mailroom.jdbc.store.OutboxRow;
import dev.mailroom.routing.Route;
import dev.mailroom.transport.Envelope;

/** An outbox row and its route as the transport sees them. */
final class EnvelopeMapper {

    private EnvelopeMapper() {
    }

    static Envelope toEnvelope(OutboxRow row, Route route, String source) {
        return new Envelope(row.eventId(), row.eventType(), row.key(), row.payload(), row.contentType(),
                row.headers(), row.tenantId(), row.correlationId(), row.eventVersion(), row.createdAt(),
                route.topic(), source);
    }
}
