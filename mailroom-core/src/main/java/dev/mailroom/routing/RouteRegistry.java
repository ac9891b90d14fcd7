package dev.mailroom.routing;

import dev.mailroom.internal.Arguments;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The routing table {@code eventType -> service -> {outbox table, topic, consumer group}}, built
 * once at start-up and immutable afterwards. Every publish, relay and consumer looks its route up
 * here; an event type that is not registered is refused with {@link UnknownEventTypeException}.
 *
 * <pre>{@code
 * RouteRegistry routes = RouteRegistry.builder()
 *     .service("orders", s -> s
 *         .table("orders_outbox")
 *         .topic("orders.events")
 *         .consumerGroup("orders-consumers")
 *         .event("order.placed")
 *         .event("order.cancelled", "orders.cancellations")
 *         .event("order.paid")
 *         .poisonPolicy("order.paid", PoisonPolicy.HOLD_KEY))   // a dead event holds its key
 *     .build();
 * }</pre>
 */
public final class RouteRegistry {

    private final Map<String, Route> byEventType;
    private final Map<String, ServiceRoute> byService;

    private RouteRegistry(Map<String, Route> byEventType, Map<String, ServiceRoute> byService) {
        this.byEventType = Collections.unmodifiableMap(byEventType);
        this.byService = Collections.unmodifiableMap(byService);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The route of an event type; throws {@link UnknownEventTypeException} when there is none. */
    public Route route(String eventType) {
        Route route = byEventType.get(eventType);
        if (route == null) {
            throw new UnknownEventTypeException(eventType);
        }
        return route;
    }

    /** The service of that name; throws {@link RouteConfigurationException} when there is none. */
    public ServiceRoute service(String name) {
        ServiceRoute service = byService.get(name);
        if (service == null) {
            throw new RouteConfigurationException("No service named '" + name + "'; known: " + byService.keySet());
        }
        return service;
    }

    public Collection<ServiceRoute> services() {
        return byService.values();
    }

    /** The event types of one service whose dead events hold back their keys ({@link PoisonPolicy#HOLD_KEY}). */
    public Set<String> keyHoldingTypesOf(String serviceName) {
        Set<String> types = new LinkedHashSet<>();
        for (Route route : routesOf(serviceName)) {
            if (route.poisonPolicy() == PoisonPolicy.HOLD_KEY) {
                types.add(route.eventType());
            }
        }
        return Set.copyOf(types);
    }

    /** Every route of one service, in registration order. */
    public List<Route> routesOf(String serviceName) {
        ServiceRoute service = service(serviceName);
        List<Route> routes = new ArrayList<>();
        for (Route route : byEventType.values()) {
            if (route.service().equals(service)) {
                routes.add(route);
            }
        }
        return List.copyOf(routes);
    }

    /** Collects the routes; {@link #build()} checks that they do not contradict each other. */
    public static final class Builder {

        private final Map<String, ServiceBuilder> services = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder service(String name, Consumer<ServiceBuilder> definition) {
            Arguments.requireNonNull(name, "service name");
            Arguments.requireNonNull(definition, "definition");
            if (services.containsKey(name)) {
                throw new RouteConfigurationException("Service '" + name + "' is defined twice");
            }
            ServiceBuilder service = new ServiceBuilder(name);
            definition.accept(service);
            services.put(name, service);
            return this;
        }

        public RouteRegistry build() {
            Map<String, Route> byEventType = new LinkedHashMap<>();
            Map<String, ServiceRoute> byService = new LinkedHashMap<>();
            Map<TableName, String> tableOwners = new HashMap<>();
            for (ServiceBuilder definition : services.values()) {
                ServiceRoute service = definition.toServiceRoute();
                String previousOwner = tableOwners.putIfAbsent(service.table(), service.name());
                if (previousOwner != null) {
                    throw new RouteConfigurationException("Services '" + previousOwner + "' and '"
                            + service.name() + "' both use table " + service.table()
                            + "; each service owns its own outbox table");
                }
                if (definition.topicsByEventType.isEmpty()) {
                    throw new RouteConfigurationException("Service '" + service.name() + "' routes no event type");
                }
                byService.put(service.name(), service);
                definition.topicsByEventType.forEach((eventType, topic) -> {
                    Route previous = byEventType.putIfAbsent(eventType,
                            new Route(eventType, service, topic == null ? service.topic() : topic,
                                    definition.policyOf(eventType)));
                    if (previous != null) {
                        throw new RouteConfigurationException("Event type '" + eventType + "' is routed by both '"
                                + previous.service().name() + "' and '" + service.name() + "'");
                    }
                });
            }
            return new RouteRegistry(byEventType, byService);
        }
    }

    /** The settings of one service and the event types it owns. */
    public static final class ServiceBuilder {

        private final String name;
        private final Map<String, String> topicsByEventType = new LinkedHashMap<>();
        private final Map<String, PoisonPolicy> policiesByEventType = new LinkedHashMap<>();
        private PoisonPolicy poisonPolicy = PoisonPolicy.CONTINUE;
        private String table;
        private String topic;
        private String consumerGroup;

        private ServiceBuilder(String name) {
            this.name = name;
        }

        /** The service's outbox table, {@code table} or {@code schema.table}. */
        public ServiceBuilder table(String table) {
            this.table = table;
            return this;
        }

        /** The topic of every event type of this service that does not name its own. */
        public ServiceBuilder topic(String topic) {
            this.topic = topic;
            return this;
        }

        /** Defaults to {@code <service>-consumers}. */
        public ServiceBuilder consumerGroup(String consumerGroup) {
            this.consumerGroup = consumerGroup;
            return this;
        }

        /** What a dead event does to its key, for every event type of this service not given its own ({@link PoisonPolicy#CONTINUE} unless set). */
        public ServiceBuilder poisonPolicy(PoisonPolicy policy) {
            this.poisonPolicy = Arguments.requireNonNull(policy, "poisonPolicy");
            return this;
        }

        /** What a dead event of {@code eventType} (named by {@link #event}, before or after) does to its key. */
        public ServiceBuilder poisonPolicy(String eventType, PoisonPolicy policy) {
            Arguments.requireNonNull(eventType, "eventType");
            policiesByEventType.put(eventType, Arguments.requireNonNull(policy, "poisonPolicy"));
            return this;
        }

        private PoisonPolicy policyOf(String eventType) {
            return policiesByEventType.getOrDefault(eventType, poisonPolicy);
        }

        /** An event type delivered to the service's topic. */
        public ServiceBuilder event(String eventType) {
            return addEvent(eventType, null);
        }

        /** An event type delivered to its own topic. */
        public ServiceBuilder event(String eventType, String topic) {
            return addEvent(eventType, Topics.requireValid(topic));
        }

        private ServiceBuilder addEvent(String eventType, String eventTopic) {
            if (eventType == null || eventType.isBlank()) {
                throw new RouteConfigurationException("Service '" + name + "' names a blank event type");
            }
            if (topicsByEventType.containsKey(eventType)) {
                throw new RouteConfigurationException("Service '" + name + "' names event type '"
                        + eventType + "' twice");
            }
            topicsByEventType.put(eventType, eventTopic);
            return this;
        }

        private ServiceRoute toServiceRoute() {
            if (table == null) {
                throw new RouteConfigurationException("Service '" + name + "' needs a table");
            }
            if (topic == null) {
                throw new RouteConfigurationException("Service '" + name + "' needs a topic");
            }
            for (String eventType : policiesByEventType.keySet()) {
                if (!topicsByEventType.containsKey(eventType)) {
                    throw new RouteConfigurationException("Service '" + name + "' sets a poison policy for event type '"
                            + eventType + "', which it does not route");
                }
            }
            String group = Objects.requireNonNullElse(consumerGroup, name + "-consumers");
            return new ServiceRoute(name, TableName.of(table), topic, group);
        }
    }
}
