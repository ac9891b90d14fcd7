package dev.mailroom.consumer;

import dev.mailroom.event.EventValidator;
import dev.mailroom.event.OutboxEvent;
import dev.mailroom.kafka.CloudEventHeaders;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Turns a Kafka record into an inbox row. The inbox keys on the event id ({@code ce_id}); a record
 * without one gets an id derived from its topic, partition and offset, so its redelivery is still
 * recognised. What makes a record unusable (no type, no payload, a version that is not a number)
 * is noted in the {@value #POISON_HEADER} header, and the worker dead-letters it. So is what the
 * inbox could not store as it came (see {@link ForeignRecordText}; a key longer than
 * {@value #MAX_KEY_BYTES} UTF-8 bytes, a type longer than {@value #MAX_TYPE_CHARACTERS} characters,
 * a tenant id, correlation id or content type longer than {@value #MAX_TEXT_BYTES} bytes is cut
 * short): one such record must not fail the insert of its whole batch.
 */
final class InboxRecords {

    static final String POISON_HEADER = "mailroom.poison";
    static final String UNKNOWN_TYPE = "unknown";
    /** The publisher's limit too ({@link EventValidator#MAX_KEY_BYTES}): what the key-order index holds. */
    static final int MAX_KEY_BYTES = EventValidator.MAX_KEY_BYTES;
    /** MariaDB's {@code event_type VARCHAR(255)}. */
    static final int MAX_TYPE_CHARACTERS = 255;
    /** MariaDB's {@code TEXT} columns ({@code tenant_id}, {@code correlation_id}, {@code content_type}). */
    static final int MAX_TEXT_BYTES = 65_535;

    private InboxRecords() {
    }

    static OutboxEvent toInboxEvent(ConsumerRecord<byte[], byte[]> record) {
        ForeignRecordText text = new ForeignRecordText();
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            String name = text.clean("header name '" + ForeignRecordText.withoutNul(header.key()) + "'", header.key());
            headers.put(name, header.value() == null ? "" : text.decode("header '" + name + "'", header.value()));
        }
        headers.put("kafka.topic", record.topic());
        headers.put("kafka.partition", Integer.toString(record.partition()));
        headers.put("kafka.offset", Long.toString(record.offset()));
        String type = headers.get(CloudEventHeaders.TYPE);
        if (type == null || type.isBlank()) {
            type = UNKNOWN_TYPE;
            headers.put(POISON_HEADER, "record has no ce_type header");
        }
        byte[] payload = record.value();
        if (payload == null) {
            payload = new byte[0];
            headers.put(POISON_HEADER, "record has no value");
        }
        int version = OutboxEvent.DEFAULT_EVENT_VERSION;
        String rawVersion = headers.get(CloudEventHeaders.EVENT_VERSION);
        if (rawVersion != null) {
            try {
                version = Integer.parseInt(rawVersion.trim());
            } catch (NumberFormatException e) {
                headers.put(POISON_HEADER, "ce_eventversion '" + rawVersion + "' is not a number");
            }
            if (version < 1) {
                headers.put(POISON_HEADER, "ce_eventversion " + version + " is below 1");
                version = OutboxEvent.DEFAULT_EVENT_VERSION;
            }
        }
        String key = record.key() == null ? null
                : text.limitBytes("record key", text.decode("record key", record.key()), MAX_KEY_BYTES);
        type = text.limitCharacters("header '" + CloudEventHeaders.TYPE + "'", type, MAX_TYPE_CHARACTERS);
        String contentType = storable(headers, CloudEventHeaders.CONTENT_TYPE, text);
        String tenantId = storable(headers, CloudEventHeaders.TENANT_ID, text);
        String correlationId = storable(headers, CloudEventHeaders.CORRELATION_ID, text);
        text.problems().ifPresent(reason -> headers.put(POISON_HEADER, reason));
        OutboxEvent.Builder event = OutboxEvent.builder(type)
                .eventId(eventId(record, headers.get(CloudEventHeaders.ID)))
                .key(key)
                .payload(payload, contentType == null || contentType.isBlank() ? OutboxEvent.JSON : contentType)
                .tenantId(tenantId)
                .eventVersion(version)
                .headers(headers);
        if (correlationId != null) {
            event.correlationId(correlationId);
        }
        return event.build();
    }

    /** A header that has a column of its own, cut to what the column holds; the headers keep it whole. */
    private static String storable(Map<String, String> headers, String name, ForeignRecordText text) {
        String value = headers.get(name);
        return value == null ? null : text.limitBytes("header '" + name + "'", value, MAX_TEXT_BYTES);
    }

    private static UUID eventId(ConsumerRecord<byte[], byte[]> record, String ceId) {
        if (ceId != null) {
            try {
                return UUID.fromString(ceId.trim());
            } catch (IllegalArgumentException notAUuid) {
                return UUID.nameUUIDFromBytes(("ce_id:" + ceId).getBytes(StandardCharsets.UTF_8));
            }
        }
        return UUID.nameUUIDFromBytes((record.topic() + ":" + record.partition() + ":" + record.offset())
                .getBytes(StandardCharsets.UTF_8));
    }
}
