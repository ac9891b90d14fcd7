package dev.mailroom.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.mailroom.internal.Arguments;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;

/**
 * The publish-time checks, in one place: type, payload presence and size, JSON validity when the
 * payload is declared JSON, text that cannot be stored unchanged (NUL, unpaired surrogates), header
 * names (none of Mailroom's own) and size, key length, event version, and the size of the whole
 * record the transport will be handed. Each failure is a specific {@link InvalidEventException}
 * naming the field; every check runs before any SQL, so a refused event never reaches the database.
 */
public final class EventValidator {

    /**
     * Longest key in UTF-8 bytes: the key is in a B-tree index, whose entries PostgreSQL limits to
     * about 2,700 bytes (a longer one fails the insert and aborts the caller's transaction).
     */
    public static final int MAX_KEY_BYTES = 2000;
    /**
     * Room kept in the record estimate for Kafka's batch and record overhead, the names of the
     * CloudEvents headers and the fixed-size values (id, time, version) and a source URI of up to
     * 512 bytes.
     */
    static final int RECORD_METADATA_RESERVE = 1024;
    /** A record header's length fields, per header. */
    private static final int RECORD_HEADER_OVERHEAD = 8;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final PublishLimits limits;

    public EventValidator(PublishLimits limits) {
        this.limits = Arguments.requireNonNull(limits, "limits");
    }

    public void validate(OutboxEvent event) {
        Arguments.requireNonNull(event, "event");
        if (event.eventType() == null || event.eventType().isBlank()) {
            throw new BlankEventTypeException(event, "the event type is blank");
        }
        checkText(event, "eventType", event.eventType());
        if (event.payloadView() == null) {
            throw new MissingPayloadException(event, "no payload");
        }
        if (event.contentType() == null || event.contentType().isBlank()) {
            throw new MissingContentTypeException(event, "no content type");
        }
        checkText(event, "contentType", event.contentType());
        if (event.payloadLength() > limits.maxPayloadBytes()) {
            throw new PayloadTooLargeException(event, "payload is " + event.payloadLength()
                    + " bytes, the limit is " + limits.maxPayloadBytes());
        }
        checkKey(event);
        checkText(event, "tenantId", event.tenantId());
        checkText(event, "correlationId", event.correlationId());
        if (event.eventVersion() < 1) {
            throw new InvalidEventVersionException(event, "event version " + event.eventVersion() + " is below 1");
        }
        long headerRecordBytes = checkHeaders(event);
        checkRecordSize(event, headerRecordBytes);
        if (event.payloadTextProblem() != null) {
            throw new InvalidTextException(event, "JSON payload text", event.payloadTextProblem());
        }
        if (event.isJson()) {
            checkJson(event);
        }
    }

    private void checkKey(OutboxEvent event) {
        String key = event.key();
        if (key == null) {
            return;
        }
        checkText(event, "key", key);
        if (key.length() > limits.maxKeyLength()) {
            throw new KeyTooLongException(event, "key is " + key.length()
                    + " characters, the limit is " + limits.maxKeyLength());
        }
        int bytes = utf8Length(key);
        if (bytes > MAX_KEY_BYTES) {
            throw new KeyTooLongException(event, "key is " + bytes + " bytes in UTF-8, the limit is " + MAX_KEY_BYTES);
        }
    }

    /** Checks the headers; returns what they add to the record (a traceparent is also sent as ce_traceparent). */
    private long checkHeaders(OutboxEvent event) {
        long bytes = 0;
        long recordBytes = 0;
        for (Map.Entry<String, String> header : event.headers().entrySet()) {
            String name = header.getKey();
            String value = header.getValue();
            if (name == null || name.isBlank() || value == null) {
                throw new InvalidHeaderException(event, "header '" + name + "' has a blank name or no value");
            }
            if (ReservedHeaders.isReserved(name)) {
                throw new ReservedHeaderException(event, "header '" + name + "' is written by Mailroom itself"
                        + " (ce_* and content-type are reserved); set the event's own fields instead");
            }
            checkHeaderText(event, "header name '", name, name);
            checkHeaderText(event, "header '", name, value);
            int size = utf8Length(name) + utf8Length(value);
            bytes += size;
            recordBytes += (name.equals("traceparent") ? 2 : 1) * (RECORD_HEADER_OVERHEAD + size);
        }
        if (bytes > limits.maxHeaderBytes()) {
            throw new HeadersTooLargeException(event, "headers are " + bytes
                    + " bytes, the limit is " + limits.maxHeaderBytes());
        }
        return recordBytes;
    }

    /**
     * The record as the Kafka binding writes it: key (twice: record key and {@code ce_partitionkey}),
     * payload, own headers, the variable CloudEvents values and {@value #RECORD_METADATA_RESERVE} bytes
     * for the rest.
     */
    private void checkRecordSize(OutboxEvent event, long headerRecordBytes) {
        long bytes = RECORD_METADATA_RESERVE + (long) event.payloadLength() + 2L * utf8Length(event.key())
                + utf8Length(event.eventType()) + utf8Length(event.contentType()) + utf8Length(event.tenantId())
                + utf8Length(event.correlationId()) + headerRecordBytes;
        if (bytes > limits.maxRecordBytes()) {
            throw new EventTooLargeException(event, "as a record it would be about " + bytes + " bytes (payload "
                    + event.payloadLength() + ", the rest key, headers and metadata); the transport accepts "
                    + limits.maxRecordBytes() + " (PublishLimits.maxRecordBytes)");
        }
    }

    /** Like {@link #checkText}, naming the field only when it fails (no string built per header otherwise). */
    private static void checkHeaderText(OutboxEvent event, String fieldPrefix, String name, String value) {
        String problem = StorableText.problem(value);
        if (problem != null) {
            throw new InvalidTextException(event, fieldPrefix + StorableText.withoutProblems(name) + "'", problem);
        }
    }

    private static void checkText(OutboxEvent event, String field, String value) {
        String problem = StorableText.problem(value);
        if (problem != null) {
            throw new InvalidTextException(event, field, problem);
        }
    }

    /** UTF-8 length without encoding; 0 for null. Text here has passed {@link StorableText}. */
    static int utf8Length(String text) {
        if (text == null) {
            return 0;
        }
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** Accepts exactly one JSON value with nothing but whitespace after it; duplicate keys are refused. */
    private static void checkJson(OutboxEvent event) {
        try (JsonParser parser = JSON.createParser(event.payloadView())) {
            if (parser.nextToken() == null) {
                throw new InvalidJsonPayloadException(event, "payload is declared JSON but is empty", null);
            }
            parser.skipChildren();
            if (parser.nextToken() != null) {
                throw new InvalidJsonPayloadException(event,
                        "payload is declared JSON but has content after the first value", null);
            }
        } catch (JsonProcessingException e) {
            throw new InvalidJsonPayloadException(event,
                    "payload is declared JSON but does not parse: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InvalidJsonPayloadException(event, "payload could not be read: " + e.getMessage(), e);
        }
    }

    /** {@code application/json} and any {@code +json} media type, parameters ignored. */
    static boolean isJsonMediaType(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || type.endsWith("+json");
    }
}
