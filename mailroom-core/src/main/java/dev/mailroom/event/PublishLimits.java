package dev.mailroom.event;

/**
 * Publish-time limits. A row that breaks one could never be delivered (Kafka refuses records over
 * its {@code max.request.size}), so it is refused before it is written.
 *
 * @param maxPayloadBytes largest payload, in bytes
 * @param maxHeaderBytes  largest sum of header names and values, in UTF-8 bytes
 * @param maxKeyLength    longest key, in characters
 */
public record PublishLimits(int maxPayloadBytes, int maxHeaderBytes, int maxKeyLength) {

    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;
    public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
    public static final int DEFAULT_MAX_KEY_LENGTH = 1024;

    public PublishLimits {
        requirePositive("maxPayloadBytes", maxPayloadBytes);
        requirePositive("maxHeaderBytes", maxHeaderBytes);
        requirePositive("maxKeyLength", maxKeyLength);
    }

    public static PublishLimits defaults() {
        return new PublishLimits(DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_KEY_LENGTH);
    }

    public PublishLimits withMaxPayloadBytes(int bytes) {
        return new PublishLimits(bytes, maxHeaderBytes, maxKeyLength);
    }

    public PublishLimits withMaxHeaderBytes(int bytes) {
        return new PublishLimits(maxPayloadBytes, bytes, maxKeyLength);
    }

    private static void requirePositive(String setting, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(setting + " must be at least 1, was " + value);
        }
    }
}
