package dev.mailroom.faults;

import dev.mailroom.routing.RouteRegistry;

/** The one route every scenario uses, the same in the test JVM and in its children. */
final class FaultRoutes {

    static final String SERVICE = "orders";
    static final String TABLE = "orders_outbox";
    static final String EVENT_TYPE = "order.placed";
    static final String GROUP = "notifications";
    static final String INBOX = "notifications_inbox";

    private FaultRoutes() {
    }

    static RouteRegistry of(String topic) {
        return RouteRegistry.builder()
                .service(SERVICE, s -> s.table(TABLE).topic(topic).consumerGroup(GROUP).event(EVENT_TYPE))
                .build();
    }
}
