package dev.mailroom.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One mapping of the configuration, read with its path, so every refusal names the key. Values may
 * be typed (YAML) or text (environment variables); both are read the same way.
 */
final class Settings {

    private final JsonNode node;
    private final String path;

    Settings(JsonNode node, String path) {
        this.node = node == null || node.isNull() ? MissingNode.getInstance() : node;
        this.path = path;
    }

    String path() {
        return path;
    }

    String key(String name) {
        return ConfigSchema.join(path, name);
    }

    boolean has(String name) {
        JsonNode value = node.get(name);
        return value != null && !value.isNull();
    }

    Settings section(String name) {
        return new Settings(node.get(name), key(name));
    }

    /** The entries of a mapping of user-chosen names, in file order. */
    Map<String, Settings> named(String name) {
        Map<String, Settings> entries = new LinkedHashMap<>();
        JsonNode mapping = node.get(name);
        if (mapping != null) {
            mapping.fields().forEachRemaining(entry -> entries.put(entry.getKey(),
                    new Settings(entry.getValue(), key(name) + "." + entry.getKey())));
        }
        return entries;
    }

    /** A mapping of client settings, values as text. */
    Map<String, Object> properties(String name) {
        Map<String, Object> properties = new LinkedHashMap<>();
        JsonNode mapping = node.get(name);
        if (mapping != null) {
            mapping.fields().forEachRemaining(entry -> {
                if (entry.getValue() == null || entry.getValue().isNull()) {
                    throw new ConfigException(key(name) + "." + entry.getKey(), "needs a value");
                }
                properties.put(entry.getKey(), entry.getValue().asText());
            });
        }
        return properties;
    }

    String text(String name, String fallback) {
        if (!has(name)) {
            return fallback;
        }
        String value = node.get(name).asText().strip();
        if (value.isEmpty()) {
            throw new ConfigException(key(name), "must not be blank");
        }
        return value;
    }

    String requiredText(String name, String what) {
        String value = text(name, null);
        if (value == null) {
            throw new ConfigException(key(name), "is required: " + what);
        }
        return value;
    }

    /** Text kept as given (a password may be empty or have spaces). */
    String rawText(String name, String fallback) {
        return has(name) ? node.get(name).asText() : fallback;
    }

    int integer(String name, int fallback, int min, int max) {
        if (!has(name)) {
            return fallback;
        }
        JsonNode value = node.get(name);
        String text = value.asText().strip();
        long parsed;
        try {
            parsed = value.isIntegralNumber() ? value.asLong() : Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new ConfigException(key(name), "must be a whole number from " + min + " to " + max + ", was '" + text + "'");
        }
        if (parsed < min || parsed > max) {
            throw new ConfigException(key(name), "must be from " + min + " to " + max + ", was " + parsed);
        }
        return (int) parsed;
    }

    double decimal(String name, double fallback, double min, double max) {
        if (!has(name)) {
            return fallback;
        }
        String text = node.get(name).asText().strip();
        double parsed;
        try {
            parsed = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new ConfigException(key(name), "must be a number from " + min + " to " + max + ", was '" + text + "'");
        }
        if (!(parsed >= min && parsed <= max)) {
            throw new ConfigException(key(name), "must be from " + min + " to " + max + ", was " + text);
        }
        return parsed;
    }

    boolean bool(String name, boolean fallback) {
        if (!has(name)) {
            return fallback;
        }
        JsonNode value = node.get(name);
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        String text = value.asText().strip().toLowerCase(Locale.ROOT);
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new ConfigException(key(name), "must be true or false, was '" + value.asText() + "'");
    }

    /** A positive duration at least {@code min}. */
    Duration duration(String name, Duration fallback, Duration min) {
        if (!has(name)) {
            return fallback;
        }
        String text = node.get(name).asText();
        Duration value = Durations.parse(text);
        if (value == null) {
            throw new ConfigException(key(name), "must be " + Durations.FORMAT + ", was '" + text + "'");
        }
        if (value.compareTo(min) < 0) {
            throw new ConfigException(key(name), "must be at least " + Durations.format(min) + ", was '" + text + "'");
        }
        return value;
    }

    <E extends Enum<E>> E choice(String name, Class<E> type, E fallback) {
        if (!has(name)) {
            return fallback;
        }
        String text = node.get(name).asText().strip();
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(text.replace('-', '_'))) {
                return constant;
            }
        }
        throw new ConfigException(key(name), "must be one of " + Arrays.stream(type.getEnumConstants()).map(Enum::name)
                .collect(Collectors.joining(", ")) + ", was '" + text + "'");
    }
}
