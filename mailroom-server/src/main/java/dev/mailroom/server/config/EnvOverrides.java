package dev.mailroom.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailroom.server.config.ConfigSchema.Named;
import dev.mailroom.server.config.ConfigSchema.Node;
import dev.mailroom.server.config.ConfigSchema.Properties;
import dev.mailroom.server.config.ConfigSchema.Section;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Environment variables override any key: {@code MAILROOM_} and the key path in upper snake case
 * ({@code MAILROOM_ADMIN_PORT}, {@code MAILROOM_SERVICES_ORDERS_RELAY_BATCH_SIZE},
 * {@code MAILROOM_KAFKA_PRODUCER_LINGER_MS} for {@code kafka.producer.linger.ms}). A name in the
 * path (a service, an event type, an inbox) matches a name the file has, compared in upper snake
 * case; a name the file lacks is taken as one lowercase word. Variables whose first word is no
 * section ({@code MAILROOM_PG_URL} of the tests) are left to whoever reads them; a variable that
 * starts with a section but names no key is refused.
 */
final class EnvOverrides {

    static final String PREFIX = "MAILROOM_";

    private EnvOverrides() {
    }

    /** Applies every {@code MAILROOM_*} variable that names a section, in name order. */
    static void apply(ObjectNode root, Map<String, String> environment) {
        for (Map.Entry<String, String> variable : new TreeMap<>(environment).entrySet()) {
            String name = variable.getKey();
            if (!name.startsWith(PREFIX) || name.length() == PREFIX.length()) {
                continue;
            }
            List<String> words = Arrays.asList(name.substring(PREFIX.length()).split("_", -1));
            if (matchKey(ConfigSchema.ROOT, words) == null) {
                continue;
            }
            if (!set(root, ConfigSchema.ROOT, words, variable.getValue(), "")) {
                throw new ConfigException(name, "names no setting (environment variables are MAILROOM_ and a key path in"
                        + " upper snake case, such as MAILROOM_ADMIN_PORT or MAILROOM_SERVICES_ORDERS_RELAY_BATCH_SIZE)");
            }
        }
    }

    private static boolean set(ObjectNode node, Node schema, List<String> words, String value, String path) {
        if (schema instanceof Properties) {
            if (words.isEmpty() || words.contains("")) {
                return false;
            }
            node.put(String.join(".", words).toLowerCase(Locale.ROOT), value);
            return true;
        }
        if (schema instanceof Named named) {
            for (String existing : names(node)) {
                List<String> nameWords = words(existing);
                if (startsWith(words, nameWords) && words.size() > nameWords.size()
                        && set(child(node, existing, path), named.each(), words.subList(nameWords.size(), words.size()),
                        value, ConfigSchema.join(path, existing))) {
                    return true;
                }
            }
            if (words.size() < 2 || words.get(0).isEmpty()) {
                return false;
            }
            String name = words.get(0).toLowerCase(Locale.ROOT);
            return set(child(node, name, path), named.each(), words.subList(1, words.size()), value,
                    ConfigSchema.join(path, name));
        }
        Section section = (Section) schema;
        String key = matchKey(section, words);
        if (key == null) {
            return false;
        }
        List<String> rest = words.subList(words(key).size(), words.size());
        Node child = section.keys().get(key);
        if (child instanceof ConfigSchema.Value) {
            if (!rest.isEmpty()) {
                return false;
            }
            node.put(key, value);
            return true;
        }
        return set(child(node, key, path), child, rest, value, ConfigSchema.join(path, key));
    }

    /** The key of the section whose words start {@code words}, the longest first. */
    private static String matchKey(Section section, List<String> words) {
        return section.keys().keySet().stream()
                .sorted(Comparator.comparingInt((String key) -> words(key).size()).reversed())
                .filter(key -> startsWith(words, words(key)))
                .findFirst().orElse(null);
    }

    private static ObjectNode child(ObjectNode node, String key, String path) {
        JsonNode child = node.get(key);
        if (child == null || child.isNull()) {
            return node.putObject(key);
        }
        if (!child.isObject()) {
            throw new ConfigException(ConfigSchema.join(path, key), "must be a mapping of keys to values");
        }
        return (ObjectNode) child;
    }

    private static List<String> names(ObjectNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        names.sort(Comparator.comparingInt((String name) -> words(name).size()).reversed());
        return names;
    }

    /** A key or name in upper snake case, split into words: {@code batch-size}, {@code order.placed}. */
    static List<String> words(String key) {
        return Arrays.asList(key.toUpperCase(Locale.ROOT).split("[-._]", -1));
    }

    private static boolean startsWith(List<String> words, List<String> prefix) {
        return words.size() >= prefix.size() && words.subList(0, prefix.size()).equals(prefix);
    }
}
