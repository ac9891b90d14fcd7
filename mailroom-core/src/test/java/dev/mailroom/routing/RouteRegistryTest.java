package dev.mailroom.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RouteRegistryTest {

    private final RouteRegistry routes = RouteRegistry.builder()
            .service("orders", s -> s.table("orders_outbox").topic("orders.events")
                    .event("order.placed")
                    .event("order.cancelled", "orders.cancellations"))
            .service("billing", s -> s.table("billing.outbox").topic("billing.events").consumerGroup("ledger")
                    .event("invoice.issued"))
            .build();

    @Test
    void routesAnEventTypeToItsServiceTableTopicAndGroup() {
        Route route = routes.route("order.placed");
        assertThat(route.service().name()).isEqualTo("orders");
        assertThat(route.table().qualified()).isEqualTo("orders_outbox");
        assertThat(route.topic()).isEqualTo("orders.events");
        assertThat(route.consumerGroup()).isEqualTo("orders-consumers");
        assertThat(route.service().notifyChannel()).isEqualTo("mailroom_orders");
    }

    @Test
    void anEventTypeMayOverrideTheServiceTopic() {
        assertThat(routes.route("order.cancelled").topic()).isEqualTo("orders.cancellations");
        assertThat(routes.route("invoice.issued").table().qualified()).isEqualTo("billing.outbox");
        assertThat(routes.route("invoice.issued").consumerGroup()).isEqualTo("ledger");
    }

    @Test
    void anUnregisteredEventTypeIsRefusedByName() {
        assertThatThrownBy(() -> routes.route("order.shipped"))
                .isInstanceOf(UnknownEventTypeException.class)
                .hasMessageContaining("order.shipped")
                .extracting(e -> ((UnknownEventTypeException) e).eventType()).isEqualTo("order.shipped");
    }

    @Test
    void aDeadEventFreesItsKeyUnlessItsRouteHoldsIt() {
        RouteRegistry held = RouteRegistry.builder()
                .service("payments", s -> s.table("payments_outbox").topic("payments.events")
                        .event("payment.captured")
                        .event("payment.refunded")
                        .poisonPolicy("payment.refunded", PoisonPolicy.HOLD_KEY))
                .service("ledger", s -> s.table("ledger_outbox").topic("ledger.events")
                        .poisonPolicy(PoisonPolicy.HOLD_KEY)
                        .event("entry.posted")
                        .event("entry.voided")
                        .poisonPolicy("entry.voided", PoisonPolicy.CONTINUE))
                .build();

        assertThat(routes.route("order.placed").poisonPolicy()).isEqualTo(PoisonPolicy.CONTINUE);
        assertThat(held.route("payment.captured").poisonPolicy()).isEqualTo(PoisonPolicy.CONTINUE);
        assertThat(held.route("payment.refunded").poisonPolicy()).isEqualTo(PoisonPolicy.HOLD_KEY);
        assertThat(held.keyHoldingTypesOf("payments")).containsExactly("payment.refunded");
        assertThat(held.keyHoldingTypesOf("ledger")).containsExactly("entry.posted");
        assertThat(routes.keyHoldingTypesOf("orders")).isEmpty();
    }

    @Test
    void aPoisonPolicyForAnEventTypeTheServiceDoesNotRouteIsRefused() {
        assertThatThrownBy(() -> RouteRegistry.builder()
                .service("payments", s -> s.table("payments_outbox").topic("payments.events")
                        .event("payment.captured")
                        .poisonPolicy("payment.capturd", PoisonPolicy.HOLD_KEY))
                .build())
                .isInstanceOf(RouteConfigurationException.class)
                .hasMessageContaining("payment.capturd");
    }

    @Test
    void listsTheRoutesOfOneService() {
        assertThat(routes.routesOf("orders")).extracting(Route::eventType)
                .containsExactly("order.placed", "order.cancelled");
        assertThatThrownBy(() -> routes.routesOf("shipping")).isInstanceOf(RouteConfigurationException.class);
    }

    @Test
    void anEventTypeRoutedByTwoServicesIsAConfigurationError() {
        assertThatThrownBy(() -> RouteRegistry.builder()
                .service("a", s -> s.table("a_outbox").topic("a").event("x"))
                .service("b", s -> s.table("b_outbox").topic("b").event("x"))
                .build())
                .isInstanceOf(RouteConfigurationException.class)
                .hasMessageContaining("'x'");
    }

    @Test
    void twoServicesCannotShareATable() {
        assertThatThrownBy(() -> RouteRegistry.builder()
                .service("a", s -> s.table("outbox").topic("a").event("x"))
                .service("b", s -> s.table("outbox").topic("b").event("y"))
                .build())
                .isInstanceOf(RouteConfigurationException.class)
                .hasMessageContaining("outbox");
    }

    @Test
    void missingSettingsAreNamed() {
        assertThatThrownBy(() -> RouteRegistry.builder().service("a", s -> s.topic("a").event("x")).build())
                .hasMessageContaining("needs a table");
        assertThatThrownBy(() -> RouteRegistry.builder().service("a", s -> s.table("a").event("x")).build())
                .hasMessageContaining("needs a topic");
        assertThatThrownBy(() -> RouteRegistry.builder().service("a", s -> s.table("a").topic("a")).build())
                .hasMessageContaining("routes no event type");
    }

    @Test
    void tableNamesAreValidatedIdentifiersNeverRawSql() {
        for (String bad : new String[] {"orders; drop table x", "Orders", "1orders", "a.b.c", "", "or ders",
                "\"orders\"", "a".repeat(TableName.MAX_NAME_LENGTH + 1)}) {
            assertThatThrownBy(() -> TableName.of(bad)).as(bad).isInstanceOf(InvalidIdentifierException.class);
        }
        assertThat(TableName.of("app.orders_outbox").name()).isEqualTo("orders_outbox");
        assertThat(TableName.of("_o1").qualified()).isEqualTo("_o1");
    }

    @Test
    void serviceNamesAndTopicsAreValidated() {
        assertThatThrownBy(() -> RouteRegistry.builder()
                .service("Orders!", s -> s.table("o").topic("o").event("x")).build())
                .isInstanceOf(InvalidIdentifierException.class);
        assertThatThrownBy(() -> RouteRegistry.builder()
                .service("orders", s -> s.table("o").topic("bad topic").event("x")).build())
                .isInstanceOf(InvalidIdentifierException.class);
    }
}
