package dev.mailroom.event;

/**
 * Publish-time limits. An event that breaks one could never be delivered, so it is refused before
 * anything is written. The defaults fit Kafka's defaults ({@code max.request.size} and the
 * broker's {@code message.max.bytes}, both about 1 MiB): an event within the separate payload,
 * header and key limits, whose tenant id, correlation id and content type take under 1 KiB
 * together, always fits {@link #DEFAULT_MAX_RECORD_BYTES} whole; larger ones are measured by the
 * record check. When the transport
 * accepts less (a topic with a smaller {@code max.message.bytes}) or more, set
 * {@link #withMaxRecordBytes} to what it accepts, e.g. {@code KafkaTransport#maxRecordBytes()}.
 *
 * @param maxPayloadBytes largest payload, in bytes
 * @param maxHeaderBytes  largest sum of header names and values, in UTF-8 bytes
 * @param maxKeyLength    longest key, in characters (and never more than
 *                        {@value EventValidator#MAX_KEY_BYTES} UTF-8 bytes, what the key index holds)
 * @param maxRecordBytes  largest record the transport accepts: payload, key, headers and
 *                        Mailroom's own metadata together, estimated as the Kafka binding writes them
 */
public record PublishLimits(int maxPayloadBytes, int maxHeaderBytes, int maxKeyLength, int maxRecordBytes) {

    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1_000_000;
    public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
    public static final int DEFAULT_MAX_KEY_LENGTH = 1024;
    /** Kafka's default {@code max.request.size}: the largest record a default producer sends. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

    public PublishLimits {
        requirePositive("maxPayloadBytes", maxPayloadBytes);
        requirePositive("maxHeaderBytes", maxHeaderBytes);
        requirePositive("maxKeyLength", maxKeyLength);
        requirePositive("maxRecordBytes", maxRecordBytes);
    }

    public static PublishLimits defaults() {
        return new PublishLimits(DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_KEY_LENGTH,
                DEFAULT_MAX_RECORD_BYTES);
    }

    public PublishLimits withMaxPayloadBytes(int bytes) {
        return new PublishLimits(bytes, maxHeaderBytes, maxKeyLength, maxRecordBytes);
    }

    public PublishLimits withMaxHeaderBytes(int bytes) {
        return new PublishLimits(maxPayloadBytes, bytes, maxKeyLength, maxRecordBytes);
    }

    public PublishLimits withMaxKeyLength(int characters) {
        return new PublishLimits(maxPayloadBytes, maxHeaderBytes, characters, maxRecordBytes);
    }

    /** The largest record the configured transport accepts (see the class comment). */
    public PublishLimits withMaxRecordBytes(int bytes) {
        return new PublishLimits(maxPayloadBytes, maxHeaderBytes, maxKeyLength, bytes);
    }

    private static void requirePositive(String setting, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(setting + " must be at least 1, was " + value);
        }
    }
}
