package dev.mailroom.kafka;

import dev.mailroom.transport.Envelope;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.apache.kafka.common.header.Headers;

/**
 * The CloudEvents Kafka protocol binding, binary mode: the record value is the payload unchanged,
 * the attributes travel as UTF-8 headers. Extension names are lowercase letters and digits.
 * The row's own headers are copied as they are; a {@code traceparent} among them is also sent as
 * {@code ce_traceparent}.
 */
public final class CloudEventHeaders {

    public static final String SPEC_VERSION = "ce_specversion";
    public static final String ID = "ce_id";
    public static final String SOURCE = "ce_source";
    public static final String TYPE = "ce_type";
    public static final String TIME = "ce_time";
    public static final String CONTENT_TYPE = "content-type";
    public static final String TENANT_ID = "ce_tenantid";
    public static final String CORRELATION_ID = "ce_correlationid";
    public static final String EVENT_VERSION = "ce_eventversion";
    public static final String PARTITION_KEY = "ce_partitionkey";
    public static final String TRACEPARENT = "traceparent";
    public static final String CE_TRACEPARENT = "ce_traceparent";

    private CloudEventHeaders() {
    }

    /** Adds the event's attributes and own headers to a record's headers. */
    public static void write(Envelope envelope, Headers headers) {
        add(headers, SPEC_VERSION, "1.0");
        add(headers, ID, envelope.eventId().toString());
        add(headers, SOURCE, envelope.source());
        add(headers, TYPE, envelope.eventType());
        if (envelope.time() != null) {
            add(headers, TIME, DateTimeFormatter.ISO_INSTANT.format(envelope.time()));
        }
        add(headers, CONTENT_TYPE, envelope.contentType());
        add(headers, TENANT_ID, envelope.tenantId());
        add(headers, CORRELATION_ID, envelope.correlationId());
        add(headers, EVENT_VERSION, Integer.toString(envelope.eventVersion()));
        add(headers, PARTITION_KEY, envelope.key());
        for (Map.Entry<String, String> header : envelope.headers().entrySet()) {
            add(headers, header.getKey(), header.getValue());
            if (header.getKey().equals(TRACEPARENT)) {
                add(headers, CE_TRACEPARENT, header.getValue());
            }
        }
    }

    /** The last value of a header as UTF-8 text, or null. */
    public static String read(Headers headers, String name) {
        var header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void add(Headers headers, String name, String value) {
        if (value != null) {
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }
}
