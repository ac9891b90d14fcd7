package dev.mailroom.spring.autoconfigure;

import dev.mailroom.MailroomException;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.routing.TableName;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** Builds the {@link RouteRegistry} from {@code mailroom.services.*}, each error naming its property. */
final class RoutesFromProperties {

    private static final String PREFIX = "mailroom.services";

    private RoutesFromProperties() {
    }

    static RouteRegistry build(Map<String, MailroomProperties.Service> services) {
        if (services.isEmpty()) {
            throw PropertyErrors.invalid(PREFIX, "(none)", "Mailroom has no routes: declare"
                    + " mailroom.services.<service>.table, .topic and .events, or define a RouteRegistry bean,"
                    + " or set mailroom.enabled=false");
        }
        RouteRegistry.Builder all = RouteRegistry.builder();
        for (Map.Entry<String, MailroomProperties.Service> entry : services.entrySet()) {
            String name = entry.getKey();
            MailroomProperties.Service service = entry.getValue();
            String property = PREFIX + "." + name;
            check(property + ".table", service.getTable(), () -> TableName.of(required(service.getTable())));
            check(property + ".topic", service.getTopic(), () -> requireTopic(required(service.getTopic())));
            service.getEventTopics().forEach((type, topic) ->
                    check(property + ".event-topics[" + type + "]", topic, () -> requireTopic(topic)));
            // the service alone: what is wrong with it is its own property's fault
            check(property, name, () -> RouteRegistry.builder().service(name, s -> define(s, service)).build());
            all.service(name, s -> define(s, service));
        }
        try {
            return all.build();
        } catch (MailroomException | IllegalArgumentException e) {
            throw PropertyErrors.invalid(PREFIX, services.keySet(), e.getMessage());
        }
    }

    /** Kafka's topic rules, applied by the route registry (a one-route registry around the topic). */
    private static void requireTopic(String topic) {
        RouteRegistry.builder().service("topic-check", s -> s.table("topic_check").topic(topic).event("check")).build();
    }

    private static String required(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("is required");
        }
        return value;
    }

    private static void define(RouteRegistry.ServiceBuilder s, MailroomProperties.Service service) {
        s.table(service.getTable()).topic(service.getTopic()).poisonPolicy(service.getPoisonPolicy());
        if (service.getConsumerGroup() != null) {
            s.consumerGroup(service.getConsumerGroup());
        }
        Set<String> types = new LinkedHashSet<>(service.getEvents());
        types.removeAll(service.getEventTopics().keySet());
        types.forEach(s::event);
        service.getEventTopics().forEach(s::event);
        service.getEventPoisonPolicies().forEach(s::poisonPolicy);
    }

    private static void check(String property, Object value, Runnable check) {
        try {
            check.run();
        } catch (MailroomException | IllegalArgumentException e) {
            throw PropertyErrors.invalid(property, value, e.getMessage());
        }
    }
}
