package dev.mailroom.event;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import dev.mailroom.internal.Arguments;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One event to publish. Build it with {@link #builder(String)}; the publisher validates it (see
 * {@link EventValidator}) before anything is written.
 *
 * <p>Event ids are UUIDv7 (time-ordered) by default, so the unique index on the id grows at its
 * right edge instead of splitting pages at random.
 */
public final class OutboxEvent {

    /** The media type assumed when none is given. */
    public static final String JSON = "application/json";
    public static final int DEFAULT_EVENT_VERSION = 1;
    private static final TimeBasedEpochGenerator IDS = Generators.timeBasedEpochGenerator();

    private final UUID eventId;
    private final boolean eventIdGiven;
    private final String eventType;
    private final String key;
    private final byte[] payload;
    private final String contentType;
    private final String tenantId;
    private final String correlationId;
    private final int eventVersion;
    private final Map<String, String> headers;
    /** Why the JSON text given to {@link Builder#json(String)} could not be encoded unchanged, or null. */
    private final String payloadTextProblem;

    private OutboxEvent(Builder builder) {
        this.eventId = builder.eventId != null ? builder.eventId : newEventId();
        this.eventIdGiven = builder.eventId != null;
        this.eventType = builder.eventType;
        this.key = builder.key;
        this.payload = builder.payload;
        this.contentType = builder.contentType;
        this.tenantId = builder.tenantId;
        this.correlationId = builder.correlationId != null ? builder.correlationId : eventId.toString();
        this.eventVersion = builder.eventVersion;
        // nulls are kept for the validator to name (InvalidHeaderException), not thrown here as an NPE
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(builder.headers));
        this.payloadTextProblem = builder.payloadTextProblem;
    }

    /** A new time-ordered (version 7) event id. */
    public static UUID newEventId() {
        return IDS.generate();
    }

    public static Builder builder(String eventType) {
        return new Builder(eventType);
    }

    public UUID eventId() {
        return eventId;
    }

    /**
     * Whether the caller chose the event id ({@link Builder#eventId}) rather than taking a new
     * UUIDv7: only such an id can already be in the outbox.
     */
    public boolean eventIdGiven() {
        return eventIdGiven;
    }

    public String eventType() {
        return eventType;
    }

    /** The ordering key; {@code null} for events that need no order. */
    public String key() {
        return key;
    }

    /** The payload bytes, stored and delivered unchanged. */
    public byte[] payload() {
        return payload == null ? null : payload.clone();
    }

    /** The payload's size in bytes, without copying it. */
    public int payloadLength() {
        return payload == null ? 0 : payload.length;
    }

    byte[] payloadView() {
        return payload;
    }

    String payloadTextProblem() {
        return payloadTextProblem;
    }

    public String contentType() {
        return contentType;
    }

    public boolean isJson() {
        return EventValidator.isJsonMediaType(contentType);
    }

    public String tenantId() {
        return tenantId;
    }

    /** Defaults to the event id. */
    public String correlationId() {
        return correlationId;
    }

    public int eventVersion() {
        return eventVersion;
    }

    public Map<String, String> headers() {
        return headers;
    }

    @Override
    public String toString() {
        return "OutboxEvent[" + eventType + " " + eventId + ", key=" + key + ", " + payloadLength() + " bytes]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OutboxEvent that
                && eventId.equals(that.eventId)
                && Objects.equals(eventType, that.eventType)
                && Objects.equals(key, that.key)
                && Arrays.equals(payload, that.payload)
                && Objects.equals(contentType, that.contentType)
                && Objects.equals(tenantId, that.tenantId)
                && correlationId.equals(that.correlationId)
                && eventVersion == that.eventVersion
                && headers.equals(that.headers);
    }

    @Override
    public int hashCode() {
        return eventId.hashCode();
    }

    /** Collects an event's fields; nothing is checked until the event is published. */
    public static final class Builder {

        private final String eventType;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private UUID eventId;
        private String key;
        private byte[] payload;
        private String contentType = JSON;
        private String tenantId;
        private String correlationId;
        private int eventVersion = DEFAULT_EVENT_VERSION;
        private String payloadTextProblem;

        private Builder(String eventType) {
            this.eventType = eventType;
        }

        /** Use a known id (for example one derived from the command), instead of a new UUIDv7. */
        public Builder eventId(UUID eventId) {
            this.eventId = Arguments.requireNonNull(eventId, "eventId");
            return this;
        }

        public Builder key(String key) {
            this.key = key;
            return this;
        }

        /**
         * A JSON payload, stored as its UTF-8 bytes. Text that UTF-8 cannot encode unchanged (an
         * unpaired surrogate) is refused at publish, never silently replaced.
         */
        public Builder json(String json) {
            this.payload = json == null ? null : json.getBytes(StandardCharsets.UTF_8);
            this.payloadTextProblem = json == null ? null : StorableText.problem(json);
            this.contentType = JSON;
            return this;
        }

        /** Payload bytes of the given media type; JSON media types are checked for validity. */
        public Builder payload(byte[] payload, String contentType) {
            this.payload = payload == null ? null : payload.clone();
            this.payloadTextProblem = null;
            this.contentType = contentType;
            return this;
        }

        public Builder tenantId(String tenantId) {
            this.tenantId = tenantId;
            return this;
        }

        public Builder correlationId(String correlationId) {
            this.correlationId = correlationId;
            return this;
        }

        public Builder eventVersion(int eventVersion) {
            this.eventVersion = eventVersion;
            return this;
        }

        /** One header of the event's own; names Mailroom writes itself are refused ({@link ReservedHeaders}). */
        public Builder header(String name, String value) {
            this.headers.put(name, value);
            return this;
        }

        /** Adds every header of the map; a null name or value is refused at publish, naming it. */
        public Builder headers(Map<String, String> headers) {
            this.headers.putAll(Arguments.requireNonNull(headers, "headers"));
            return this;
        }

        public OutboxEvent build() {
            return new OutboxEvent(this);
        }
    }
}
