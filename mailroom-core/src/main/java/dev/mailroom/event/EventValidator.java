package dev.mailroom.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * The publish-time checks, in one place: type, payload presence and size, JSON validity when the
 * payload is declared JSON, header names and size, key length, event version. Each failure is a
 * specific {@link InvalidEventException}.
 */
public final class EventValidator {

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final PublishLimits limits;

    public EventValidator(PublishLimits limits) {
        this.limits = limits;
    }

    public void validate(OutboxEvent event) {
        if (event.eventType() == null || event.eventType().isBlank()) {
            throw new BlankEventTypeException(event, "the event type is blank");
        }
        if (event.payloadView() == null) {
            throw new MissingPayloadException(event, "no payload");
        }
        if (event.contentType() == null || event.contentType().isBlank()) {
            throw new MissingContentTypeException(event, "no content type");
        }
        if (event.payloadLength() > limits.maxPayloadBytes()) {
            throw new PayloadTooLargeException(event, "payload is " + event.payloadLength()
                    + " bytes, the limit is " + limits.maxPayloadBytes());
        }
        if (event.key() != null && event.key().length() > limits.maxKeyLength()) {
            throw new KeyTooLongException(event, "key is " + event.key().length()
                    + " characters, the limit is " + limits.maxKeyLength());
        }
        if (event.eventVersion() < 1) {
            throw new InvalidEventVersionException(event, "event version " + event.eventVersion() + " is below 1");
        }
        checkHeaders(event);
        if (event.isJson()) {
            checkJson(event);
        }
    }

    private void checkHeaders(OutboxEvent event) {
        long bytes = 0;
        for (Map.Entry<String, String> header : event.headers().entrySet()) {
            if (header.getKey() == null || header.getKey().isBlank() || header.getValue() == null) {
                throw new InvalidHeaderException(event, "header '" + header.getKey() + "' has a blank name or no value");
            }
            bytes += header.getKey().getBytes(StandardCharsets.UTF_8).length
                    + header.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        if (bytes > limits.maxHeaderBytes()) {
            throw new HeadersTooLargeException(event, "headers are " + bytes
                    + " bytes, the limit is " + limits.maxHeaderBytes());
        }
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
