package dev.mailroom.server.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Matches a method and a decoded path to an endpoint (of the API or the dashboard), binding the
 * {@code {name}} segments; routes are tried in the order added, so fixed paths go before patterns
 * they would also match.
 */
public final class Router<E> {

    /** What an API endpoint does with a matched request. */
    @FunctionalInterface
    interface Endpoint {
        Reply handle(Call call);
    }

    private record Route<E>(String method, String[] segments, E endpoint) {
    }

    /** The endpoint and the path's bound segments, or why none matched (404 or 405). */
    public record Match<E>(E endpoint, Map<String, String> parameters, List<String> allowed) {
    }

    private final List<Route<E>> routes = new ArrayList<>();

    public Router<E> add(String method, String pattern, E endpoint) {
        routes.add(new Route<>(method, split(pattern), endpoint));
        return this;
    }

    public Match<E> match(String method, String path) {
        String[] segments = split(path);
        List<String> allowed = new ArrayList<>();
        for (Route<E> route : routes) {
            Map<String, String> parameters = bind(route.segments(), segments);
            if (parameters == null) {
                continue;
            }
            if (route.method().equals(method)) {
                return new Match<>(route.endpoint(), parameters, List.of());
            }
            allowed.add(route.method());
        }
        return new Match<>(null, Map.of(), allowed);
    }

    private static Map<String, String> bind(String[] pattern, String[] segments) {
        if (pattern.length != segments.length) {
            return null;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            if (pattern[i].startsWith("{")) {
                parameters.put(pattern[i].substring(1, pattern[i].length() - 1), segments[i]);
            } else if (!pattern[i].equals(segments[i])) {
                return null;
            }
        }
        return parameters;
    }

    private static String[] split(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
    }
}
