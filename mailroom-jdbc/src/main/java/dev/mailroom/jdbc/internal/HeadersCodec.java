package dev.mailroom.jdbc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
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

    /** A headers column read back: the headers, or why they cannot be delivered (then empty). */
    public record Decoded(Map<String, String> headers, String problem) {
    }

    /**
     * Reads the column. SQL producers may write any JSON there; what cannot become record headers
     * is a problem, not an exception, so one bad row never fails the query that read it: the column
     * must be an object whose names are not blank and whose values are strings (numbers and
     * booleans are sent as their JSON text; null, arrays and objects are refused).
     */
    public static Decoded decode(String json) {
        if (json == null || json.equals("{}")) {
            return new Decoded(Map.of(), null);
        }
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return problem("the headers column is not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            return problem("the headers column must be a JSON object of strings, was: " + abbreviate(json));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            if (field.getKey().isBlank()) {
                return problem("the headers column has a blank header name");
            }
            if (!value.isValueNode() || value.isNull()) {
                return problem("header '" + field.getKey() + "' is " + value.getNodeType().name().toLowerCase(Locale.ROOT)
                        + "; header values must be strings (numbers and booleans are sent as their JSON text)");
            }
            headers.put(field.getKey(), value.isTextual() ? value.asText() : value.toString());
        }
        return new Decoded(Collections.unmodifiableMap(headers), null);
    }

    private static Decoded problem(String problem) {
        return new Decoded(Map.of(), problem);
    }

    private static String abbreviate(String text) {
        return text.length() <= 100 ? text : text.substring(0, 100) + "...";
    }
}
