package dev.mailroom.spring.autoconfigure;

import dev.mailroom.MailroomException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Turns the refusal of a Mailroom builder into an error naming the property at fault. The builders
 * validate their settings at {@code build()} with messages that start with the setting's name
 * ({@code "batchSize must be between 1 and 10000, was 0"}); the rules stay there, in one place, and
 * this maps the setting back to the {@code mailroom.*} property it came from.
 */
final class PropertyErrors {

    private record Noted(String property, Object value) {
    }

    private final String prefix;
    /** The prefix a property's value came from (a service's own relay settings or the application's). */
    private final Function<String, String> prefixOf;
    private final Map<String, Noted> settings = new LinkedHashMap<>();

    PropertyErrors(String prefix) {
        this(prefix, property -> prefix);
    }

    PropertyErrors(String prefix, Function<String, String> prefixOf) {
        this.prefix = prefix;
        this.prefixOf = prefixOf;
    }

    /** Records that builder setting {@code setting} comes from {@code <prefix>.<property>}; returns the value. */
    <T> T note(String setting, String property, T value) {
        settings.put(setting, new Noted(prefixOf.apply(property) + "." + property, value));
        return value;
    }

    /** Runs {@code build}; a refused setting becomes an {@link InvalidConfigurationPropertyValueException}. */
    <T> T build(Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException | MailroomException e) {
            throw invalid(e);
        }
    }

    RuntimeException invalid(RuntimeException refusal) {
        String message = String.valueOf(refusal.getMessage());
        Noted noted = null;
        for (Map.Entry<String, Noted> setting : settings.entrySet()) {
            if (message.startsWith(setting.getKey() + " ")) {
                noted = setting.getValue();
                break;
            }
        }
        if (noted == null) {
            for (Noted setting : settings.values()) {
                if (setting.value() != null && message.contains("'" + setting.value() + "'")) {
                    noted = setting;
                    break;
                }
            }
        }
        if (noted == null) {
            for (Map.Entry<String, Noted> setting : settings.entrySet()) {
                if (message.contains(setting.getKey())) {
                    noted = setting.getValue();
                    break;
                }
            }
        }
        InvalidConfigurationPropertyValueException invalid = noted == null
                ? new InvalidConfigurationPropertyValueException(prefix, "(see reason)", message)
                : new InvalidConfigurationPropertyValueException(noted.property(), noted.value(), message);
        invalid.initCause(refusal);
        return invalid;
    }

    /** A refusal that is not a builder's (a missing required property). */
    static InvalidConfigurationPropertyValueException invalid(String property, Object value, String reason) {
        return new InvalidConfigurationPropertyValueException(property, value, reason);
    }
}
