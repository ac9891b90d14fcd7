package dev.mailroom.spring.autoconfigure;

import java.util.Map;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;

/**
 * The relay settings of one service: {@code mailroom.relay.*}, with any key given under
 * {@code mailroom.services.<service>.relay.*} in its place (a service with a slow topic gets a longer
 * send timeout, a busy one a bigger batch, the others keep the application's). Keys that choose the
 * relays ({@code enabled}, {@code services}) are the application's only.
 */
final class ServiceRelaySettings {

    static final String GLOBAL = "mailroom.relay";

    private final MailroomProperties.RelaySettings global;
    /** The environment's properties; {@code null} when the settings were built by hand (no overrides). */
    private final Binder binder;

    ServiceRelaySettings(MailroomProperties.RelaySettings global, Binder binder) {
        this.global = global;
        this.binder = binder;
    }

    static String prefix(String service) {
        return "mailroom.services." + service + ".relay";
    }

    /** The application's relay settings, {@code mailroom.relay.*}. */
    MailroomProperties.RelaySettings global() {
        return global;
    }

    /** The settings {@code service}'s relay runs with. */
    MailroomProperties.RelaySettings of(String service) {
        if (binder == null || overrides(service).isEmpty()) {
            return global;
        }
        MailroomProperties.RelaySettings own = binder.bind(GLOBAL, Bindable.ofInstance(new MailroomProperties.RelaySettings()))
                .orElseGet(MailroomProperties.RelaySettings::new);
        return binder.bind(prefix(service), Bindable.ofInstance(own)).orElse(own);
    }

    /** Where {@code service}'s value of {@code property} (as {@code batch-size}, {@code retry.jitter}) comes from. */
    String prefixOf(String service, String property) {
        return binder != null && overrides(service).containsKey(property) ? prefix(service) : GLOBAL;
    }

    private Map<String, String> overrides(String service) {
        return binder.bind(prefix(service), Bindable.mapOf(String.class, String.class)).orElse(Map.of());
    }
}
