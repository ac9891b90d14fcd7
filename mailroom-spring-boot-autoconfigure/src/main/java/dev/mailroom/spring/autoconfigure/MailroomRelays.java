package dev.mailroom.spring.autoconfigure;

import dev.mailroom.relay.Relay;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.transport.Transport;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The relays of this application, one per relayed service, as one lifecycle bean: built (and their
 * settings checked) with the context, started once every singleton is ready, and closed gracefully
 * (stop claiming, wait for acknowledgements, give back unsent rows) when the context closes, before
 * the {@code DataSource} and the transport are destroyed.
 */
public final class MailroomRelays extends MailroomLifecycle<Relay> {

    private final Map<String, MailroomProperties.RelaySettings> settings;

    MailroomRelays(Map<String, Relay> relays) {
        this(relays, Map.of());
    }

    private MailroomRelays(Map<String, Relay> relays, Map<String, MailroomProperties.RelaySettings> settings) {
        super(relays);
        this.settings = Map.copyOf(settings);
    }

    @Override
    void start(Relay relay) {
        relay.start();
    }

    static MailroomRelays build(DataSource dataSource, RouteRegistry routes, Transport transport,
                                ServiceRelaySettings settings, Object meterRegistry) {
        List<String> services = new ArrayList<>(settings.global().getServices());
        if (services.isEmpty()) {
            routes.services().forEach(service -> services.add(service.name()));
        }
        Map<String, Relay> relays = new LinkedHashMap<>();
        Map<String, MailroomProperties.RelaySettings> used = new LinkedHashMap<>();
        for (String service : services) {
            try {
                routes.service(service);
            } catch (RuntimeException unknown) {
                throw PropertyErrors.invalid("mailroom.relay.services", service, unknown.getMessage());
            }
            used.put(service, settings.of(service));
            PropertyErrors errors = new PropertyErrors(ServiceRelaySettings.GLOBAL,
                    property -> settings.prefixOf(service, property));
            relays.put(service, relay(dataSource, routes, transport, used.get(service), errors, meterRegistry, service));
        }
        return new MailroomRelays(relays, used);
    }

    private static Relay relay(DataSource dataSource, RouteRegistry routes, Transport transport,
                               MailroomProperties.RelaySettings settings, PropertyErrors errors, Object meterRegistry,
                               String service) {
        Relay.Builder builder = Relay.builder(dataSource, routes, transport).service(service)
                .retryPolicy(RetryPolicies.from(errors, settings.getRetry(), "retry.max-attempts",
                        dev.mailroom.retry.RetryPolicy.DEFAULT_MAX_ATTEMPTS))
                .batchSize(errors.note("batchSize", "batch-size", settings.getBatchSize()))
                .claimMode(settings.getClaimMode())
                .lease(errors.note("lease", "lease", settings.getLease()))
                .sendTimeout(errors.note("sendTimeout", "send-timeout", settings.getSendTimeout()))
                .fallbackPoll(errors.note("fallbackPoll", "fallback-poll", settings.getFallbackPoll()))
                .reapInterval(errors.note("reapInterval", "reap-interval", settings.getReapInterval()))
                .shutdownTimeout(errors.note("shutdownTimeout", "shutdown-timeout", settings.getShutdownTimeout()))
                .pollInterval(errors.note("minPoll", "min-poll", settings.getMinPoll()),
                        errors.note("maxPoll", "max-poll", settings.getMaxPoll()))
                .listen(settings.isListen())
                .orderByKey(errors.note("orderByKey", "order-by-key", settings.isOrderByKey()))
                .deletePublished(settings.isDeletePublished())
                .asynchronousCommit(settings.isAsynchronousCommit());
        if (settings.getRetention() != null) {
            builder.retention(errors.note("retention", "retention", settings.getRetention()),
                    errors.note("retentionInterval", "retention-interval", settings.getRetentionInterval()));
        }
        if (meterRegistry != null) {
            builder.meterRegistry((MeterRegistry) meterRegistry);
        }
        return errors.build(builder::build);
    }

    /** The relays by service. */
    public Map<String, Relay> relays() {
        return workers();
    }

    /** Whether the relay of {@code service} was started here and not stopped since. */
    public boolean isRunning(String service) {
        return isRunning() && workers().containsKey(service);
    }

    /**
     * The settings {@code service}'s relay was built with: {@code mailroom.relay.*} with the service's
     * own {@code mailroom.services.<service>.relay.*} in their place; empty for a service not relayed here.
     */
    public Optional<MailroomProperties.RelaySettings> settings(String service) {
        return Optional.ofNullable(settings.get(service));
    }

    /** The services relayed here. */
    public List<String> services() {
        return List.copyOf(workers().keySet());
    }
}
