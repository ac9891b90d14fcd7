package dev.mailroom.relay;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.MailroomException;
import dev.mailroom.jdbc.publish.OutboxPublisher;
import dev.mailroom.jdbc.schema.SchemaMigrator;
import dev.mailroom.jdbc.store.OutboxStore;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.routing.TableName;
import dev.mailroom.testkit.db.TestDatabases;
import dev.mailroom.transport.InProcessTransport;
import javax.sql.DataSource;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** A null where a value belongs is answered with an exception naming the argument, never a NullPointerException. */
class NullArgumentsTest {

    private final DataSource dataSource = TestDatabases.unreachablePostgres();
    private final RouteRegistry routes = RelayFixture.ROUTES;
    private final InProcessTransport transport = new InProcessTransport();

    @Test
    void publicEntryPointsNameTheirNullArgument() {
        named(() -> OutboxPublisher.builder(null), "routes");
        named(() -> OutboxPublisher.builder(routes).limits(null), "limits");
        named(() -> OutboxPublisher.builder(routes).dialect(null), "dialect");
        named(() -> RouteRegistry.builder().service(null, s -> s.table("t").event("e")), "service name");
        named(() -> RouteRegistry.builder().service("s", null), "definition");
        named(() -> new SchemaMigrator(null, dev.mailroom.jdbc.dialect.SqlDialect.postgresql()), "dataSource");
        named(() -> OutboxStore.create(null, TableName.of("t")), "dataSource");
        named(() -> OutboxStore.create(dataSource, null), "table");
        named(() -> Relay.builder(null, routes, transport), "dataSource");
        named(() -> Relay.builder(dataSource, null, transport), "routes");
        named(() -> Relay.builder(dataSource, routes, null), "transport");
        named(() -> Relay.builder(dataSource, routes, transport).retryPolicy(null), "retryPolicy");
        named(() -> Relay.builder(dataSource, routes, transport).claimMode(null), "claimMode");
        named(() -> Relay.builder(dataSource, routes, transport).build(), "service");
    }

    @Test
    void lookUpsOfNullNamesAreMailroomErrors() {
        assertThatThrownBy(() -> routes.route(null)).isInstanceOf(MailroomException.class);
        assertThatThrownBy(() -> routes.service(null)).isInstanceOf(MailroomException.class);
        assertThatThrownBy(() -> TableName.of(null)).isInstanceOf(MailroomException.class);
    }

    private static void named(ThrowingCallable call, String argument) {
        assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(argument);
    }
}
