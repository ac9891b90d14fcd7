package dev.mailroom.server.http;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** One matched request: the bound path segments, the query parameters (decoded), and the body (empty for a GET). */
record Call(Map<String, String> path, Map<String, List<String>> query, byte[] body) {

    static final int MAX_VALUE_LENGTH = 2_000;

    String path(String name) {
        return path.get(name);
    }

    /** Refuses query parameters the endpoint does not take, naming the first. */
    Call allowOnly(Set<String> names) {
        for (String name : query.keySet()) {
            if (!names.contains(name)) {
                throw ApiException.badRequest(name, "unknown query parameter '" + name + "'; this endpoint takes "
                        + (names.isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(names))));
            }
        }
        return this;
    }

    /** The one value of a parameter, or null; given twice is refused. */
    String single(String name) {
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

    List<String> all(String name) {
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

    long longValue(String name, long fallback, long min, long max) {
        String text = single(name);
        if (text == null) {
            return fallback;
        }
        return Values.parseLong(name, text, min, max);
    }

    Long optionalLong(String name, long min) {
        String text = single(name);
        return text == null ? null : Values.parseLong(name, text, min, Long.MAX_VALUE);
    }
}
