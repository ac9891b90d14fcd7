package dev.mailroom.server.config;

import dev.mailroom.relay.ClaimMode;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.routing.PoisonPolicy;
import dev.mailroom.routing.RouteRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything the server runs, read and checked by {@link ConfigLoader}: immutable, every value
 * valid. The keys are those of the YAML file (see the README, "Standalone server").
 */
public record ServerConfig(Database database, Kafka kafka, Map<String, Service> services, Map<String, String> inboxes,
                           Ledger ledger, Admin admin, Dashboard dashboard) {

    public ServerConfig {
        services = Collections.unmodifiableMap(new LinkedHashMap<>(services));
        inboxes = Collections.unmodifiableMap(new LinkedHashMap<>(inboxes));
    }

    /** {@code database}: where the outboxes are; {@code migrate} creates and upgrades every table at start. */
    public record Database(String url, String user, String password, int poolSize, boolean migrate) {
        @Override
        public String toString() {
            return "Database[" + url + " as " + user + ", pool " + poolSize + ", migrate " + migrate + "]";
        }
    }

    /**
     * {@code kafka}: the brokers, or an in-process broker ({@code embedded}, for trying out only);
     * {@code client} settings go to every Kafka client, {@code producer} settings to the producer only.
     */
    public record Kafka(String bootstrapServers, boolean embedded, int embeddedPort, boolean createMissingTopics,
                        int topicPartitions, short topicReplication, Map<String, Object> client,
                        Map<String, Object> producer) {
        public Kafka {
            client = Map.copyOf(client);
            producer = Map.copyOf(producer);
        }
    }

    /** {@code services.<name>}: one outbox, its routes and its relay. */
    public record Service(String name, String table, String topic, String consumerGroup, PoisonPolicy poisonPolicy,
                          Map<String, Event> events, Relay relay) {
        public Service {
            events = Collections.unmodifiableMap(new LinkedHashMap<>(events));
        }
    }

    /** {@code services.<name>.events.<type>}: a topic and a poison policy of its own, each optional (null: the service's). */
    public record Event(String topic, PoisonPolicy poisonPolicy) {
    }

    /** {@code services.<name>.relay}: the relay's settings ({@code retention} null: delivered rows are kept). */
    public record Relay(boolean enabled, ClaimMode claimMode, int batchSize, Duration lease, Duration sendTimeout,
                        Duration fallbackPoll, Duration reapInterval, Duration shutdownTimeout, boolean orderByKey,
                        boolean deletePublished, Duration pollMin, Duration pollMax, RetryPolicy retry,
                        Duration retention, Duration retentionInterval) {
    }

    /** {@code ledger}: the compensation ledger operators triage (no executors run here). */
    public record Ledger(boolean enabled, String table) {
    }

    /** {@code admin}: the HTTP API. */
    public record Admin(String bind, int port, String token, boolean writesEnabled, Duration relayExpiry,
                        int maxRequestBytes) {
        @Override
        public String toString() {
            return "Admin[" + bind + ":" + port + ", writes " + (writesEnabled ? "enabled" : "disabled")
                    + ", relay expiry " + relayExpiry + ", max request " + maxRequestBytes + " bytes, token hidden]";
        }
    }

    /**
     * {@code dashboard}: the operator dashboard in the browser, off unless enabled. With no
     * {@code port} it is served on the API's port under {@code /dashboard/}; with one, on its own
     * connector at {@code bind} (loopback unless configured). Sessions end after {@code session-timeout}
     * without a request.
     */
    public record Dashboard(boolean enabled, String bind, Integer port, Duration sessionTimeout) {

        /** Whether it listens on a port of its own rather than the API's. */
        public boolean ownPort() {
            return port != null;
        }
    }

    /** The routes of every service, in file order. */
    public RouteRegistry routes() {
        return routesOf(services.values());
    }

    static RouteRegistry routesOf(Collection<Service> services) {
        RouteRegistry.Builder routes = RouteRegistry.builder();
        for (Service service : services) {
            routes.service(service.name(), definition -> {
                definition.table(service.table()).topic(service.topic()).poisonPolicy(service.poisonPolicy());
                if (service.consumerGroup() != null) {
                    definition.consumerGroup(service.consumerGroup());
                }
                service.events().forEach((type, event) -> {
                    if (event.topic() == null) {
                        definition.event(type);
                    } else {
                        definition.event(type, event.topic());
                    }
                    if (event.poisonPolicy() != null) {
                        definition.poisonPolicy(type, event.poisonPolicy());
                    }
                });
            });
        }
        return routes.build();
    }

    /** How many relays run. */
    public long relayCount() {
        return services.values().stream().filter(service -> service.relay().enabled()).count();
    }
}
