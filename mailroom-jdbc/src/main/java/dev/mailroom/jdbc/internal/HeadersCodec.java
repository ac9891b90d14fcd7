package dev.mailroom.jdbc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code headers} column: a JSON object of strings. */
public final class HeadersCodec {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HeadersCodec() {
    }

    public static String encode(Map<String, String> headers) {
        if (headers.isEmpty()) {
            return "{}";
        }
        try {
            return JSON.writeValueAsString(headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings did not serialize", e);
        }
    }

    /**
     * Header values written by SQL producers may be any JSON; non-strings are kept as JSON text.
     *
     * @throws IllegalArgumentException when the text is not a JSON object
     */
    public static Map<String, String> decode(String json) {
        if (json == null || json.equals("{}")) {
            return Map.of();
        }
        try {
            JsonNode node = JSON.readTree(json);
            if (!node.isObject()) {
                throw new IllegalArgumentException("headers are not a JSON object: " + json);
            }
            Map<String, String> headers = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode value = field.getValue();
                headers.put(field.getKey(), value.isTextual() ? value.asText() : value.toString());
            }
            return Map.copyOf(headers);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("headers are not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
