package dev.mailroom.relay;

import dev.mailroom.event.ReservedHeaders;
import dev.mailroom.jdbc.store.OutboxRow;
import dev.mailroom.routing.Route;
import dev.mailroom.transport.Envelope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An outbox row and its route as the transport sees them. A row that cannot become an envelope is
 * an {@link UndeliverableRowException}; header names Mailroom writes itself ({@link ReservedHeaders}),
 * which only a plain SQL producer can have put in the row, are dropped so Mailroom's own values win.
 */
final class EnvelopeMapper {

    private static final Logger LOG = LoggerFactory.getLogger(EnvelopeMapper.class);

    private EnvelopeMapper() {
    }

    static Envelope toEnvelope(OutboxRow row, Route route, String source) {
        if (row.defect() != null) {
            throw new UndeliverableRowException(row.defect());
        }
        return new Envelope(row.eventId(), row.eventType(), row.key(), row.payload(), row.contentType(),
                ownHeaders(row), row.tenantId(), row.correlationId(), row.eventVersion(), row.createdAt(),
                route.topic(), source);
    }

    /** The row's headers without Mailroom's own names; the row's map itself when it has none (the usual case). */
    private static Map<String, String> ownHeaders(OutboxRow row) {
        List<String> dropped = null;
        for (String name : row.headers().keySet()) {
            if (ReservedHeaders.isReserved(name)) {
                dropped = dropped == null ? new ArrayList<>() : dropped;
                dropped.add(name);
            }
        }
        if (dropped == null) {
            return row.headers();
        }
        Map<String, String> own = new LinkedHashMap<>(row.headers());
        own.keySet().removeAll(dropped);
        LOG.warn("Event {} ({}): headers {} are Mailroom's own and were ignored; Mailroom's values are sent",
                row.eventId(), row.eventType(), dropped);
        return own;
    }
}
