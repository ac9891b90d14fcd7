package dev.mailroom.server.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/**
 * One matched request: the bound path segments, the query parameters (decoded), and the body (empty
 * for a GET). The dashboard reads its forms through it too, so both faces refuse the same values.
 */
public record Call(Map<String, String> path, Map<String, List<String>> query, byte[] body) {

    static final int MAX_VALUE_LENGTH = 2_000;

    /** The decoded query parameters of a request, in their order; a malformed query string is refused. */
    public static Map<String, List<String>> query(Request request) {
        try {
            return parameters(Request.extractQueryParameters(request, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw ApiException.badRequest(null, "the query string is not valid");
        }
    }

    /** Decoded parameters (a query's or a form's) by name, in their order. */
    public static Map<String, List<String>> parameters(Fields fields) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        for (Fields.Field field : fields) {
            parameters.put(field.getName(), field.getValues());
        }
        return parameters;
    }

    public String path(String name) {
        return path.get(name);
    }

    /** Refuses query parameters the endpoint does not take, naming the first. */
    public Call allowOnly(Set<String> names) {
        for (String name : query.keySet()) {
            if (!names.contains(name)) {
                throw ApiException.badRequest(name, "unknown query parameter '" + name + "'; this endpoint takes "
                        + (names.isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(names))));
            }
        }
        return this;
    }

    /** The one value of a parameter, or null; given twice is refused. */
    public String single(String name) {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw ApiException.badRequest(name, name + " is given " + values.size() + " times; give it once");
        }
        String value = checked(name, values.get(0));
        return value.isEmpty() ? null : value;
    }

    public List<String> all(String name) {
        return query.getOrDefault(name, List.of()).stream().map(value -> checked(name, value))
                .filter(value -> !value.isEmpty()).toList();
    }

    /** No query value is longer than a stored one can be, and none holds NUL (no database stores it). */
    private static String checked(String name, String value) {
        if (value.length() > MAX_VALUE_LENGTH) {
            throw ApiException.badRequest(name, name + " is longer than " + MAX_VALUE_LENGTH + " characters");
        }
        if (value.indexOf('\0') >= 0) {
            throw ApiException.badRequest(name, name + " contains a NUL character");
        }
        return value;
    }

    public long longValue(String name, long fallback, long min, long max) {
        String text = single(name);
        if (text == null) {
            return fallback;
        }
        return Values.parseLong(name, text, min, max);
    }

    public Long optionalLong(String name, long min) {
        String text = single(name);
        return text == null ? null : Values.parseLong(name, text, min, Long.MAX_VALUE);
    }
}
