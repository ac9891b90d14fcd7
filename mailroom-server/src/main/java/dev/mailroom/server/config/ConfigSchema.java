package dev.mailroom.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which keys the configuration has: what refuses an unknown key (a typo would otherwise be ignored)
 * and how an environment variable's name maps to a key path.
 */
final class ConfigSchema {

    /** A place in the configuration. */
    sealed interface Node permits Section, Named, Properties, Value {
    }

    /** Fixed keys. */
    record Section(Map<String, Node> keys) implements Node {
    }

    /** Names the user chooses (services, events, inboxes), each holding the same shape. */
    record Named(Node each) implements Node {
    }

    /** Client settings passed through unread ({@code kafka.producer}: {@code linger.ms: 5}). */
    record Properties() implements Node {
    }

    /** One value. */
    record Value() implements Node {
    }

    private static final Value VALUE = new Value();

    static final Section ROOT = section(
            "database", section("url", VALUE, "user", VALUE, "password", VALUE, "pool-size", VALUE, "migrate", VALUE),
            "kafka", section("bootstrap-servers", VALUE, "embedded", VALUE, "embedded-port", VALUE,
                    "create-missing-topics", VALUE, "topic-partitions", VALUE, "topic-replication", VALUE,
                    "client", new Properties(), "producer", new Properties()),
            "services", new Named(section("table", VALUE, "topic", VALUE, "consumer-group", VALUE,
                    "poison-policy", VALUE,
                    "events", new Named(section("topic", VALUE, "poison-policy", VALUE)),
                    "relay", section("enabled", VALUE, "claim-mode", VALUE, "batch-size", VALUE, "lease", VALUE,
                            "send-timeout", VALUE, "fallback-poll", VALUE, "reap-interval", VALUE,
                            "shutdown-timeout", VALUE, "order-by-key", VALUE, "delete-published", VALUE,
                            "poll-min", VALUE, "poll-max", VALUE, "retention", VALUE, "retention-interval", VALUE,
                            "retry", section("initial-delay", VALUE, "max-delay", VALUE, "jitter", VALUE)))),
            "inboxes", new Named(section("table", VALUE)),
            "ledger", section("enabled", VALUE, "table", VALUE),
            "admin", section("bind", VALUE, "port", VALUE, "token", VALUE, "token-file", VALUE,
                    "writes-enabled", VALUE, "relay-expiry", VALUE, "max-request-bytes", VALUE),
            "dashboard", section("enabled", VALUE, "bind", VALUE, "port", VALUE, "session-timeout", VALUE));

    private ConfigSchema() {
    }

    private static Section section(Object... keysAndNodes) {
        Map<String, Node> keys = new LinkedHashMap<>();
        for (int i = 0; i < keysAndNodes.length; i += 2) {
            keys.put((String) keysAndNodes[i], (Node) keysAndNodes[i + 1]);
        }
        return new Section(keys);
    }

    /** Refuses keys the schema does not have and mappings where a value belongs (and the reverse). */
    static void check(JsonNode node, Node schema, String path) {
        if (node == null || node.isNull()) {
            return;
        }
        if (schema instanceof Value) {
            if (node.isContainerNode()) {
                throw new ConfigException(path, "must be a single value, not a " + (node.isArray() ? "list" : "mapping"));
            }
        } else if (schema instanceof Properties) {
            requireMapping(node, path);
            node.fields().forEachRemaining(entry -> check(entry.getValue(), VALUE, path + "." + entry.getKey()));
        } else if (schema instanceof Named named) {
            requireMapping(node, path);
            node.fields().forEachRemaining(entry -> check(entry.getValue(), named.each(), path + "." + entry.getKey()));
        } else {
            Section section = (Section) schema;
            requireMapping(node, path);
            node.fields().forEachRemaining(entry -> {
                Node child = section.keys().get(entry.getKey());
                if (child == null) {
                    throw new ConfigException(join(path, entry.getKey()), "unknown setting; "
                            + (path.isEmpty() ? "the sections are" : path + " takes") + " "
                            + String.join(", ", section.keys().keySet()));
                }
                check(entry.getValue(), child, join(path, entry.getKey()));
            });
        }
    }

    private static void requireMapping(JsonNode node, String path) {
        if (!node.isObject()) {
            throw new ConfigException(path.isEmpty() ? "(file)" : path, "must be a mapping of keys to values");
        }
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
