package dev.mailroom.demo;

import com.zaxxer.hikari.HikariDataSource;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.publish.OutboxPublisher;
import dev.mailroom.jdbc.schema.SchemaMigrator;
import dev.mailroom.jdbc.store.OutboxRow;
import dev.mailroom.jdbc.store.OutboxStore;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.routing.ServiceRoute;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * Mailroom end to end on the local PostgreSQL: migrate the outbox, place orders whose events are
 * published inside the order's transaction (one rolled back), and show what the outbox holds.
 */
public final class DemoMain {

    static final RouteRegistry ROUTES = RouteRegistry.builder()
            .service("orders", s -> s.table("orders_outbox").topic("orders.events").consumerGroup("notifications")
                    .event("order.placed"))
            .build();

    private DemoMain() {
    }

    public static void main(String[] args) throws Exception {
        DemoSettings settings = DemoSettings.fromEnvironment(System.getenv());
        resetSchema(settings);
        try (HikariDataSource dataSource = dataSource(settings)) {
            ServiceRoute orders = ROUTES.service("orders");
            new SchemaMigrator(dataSource, SqlDialect.postgresql()).migrate(ROUTES);
            OrderService service = new OrderService(dataSource, OutboxPublisher.builder(ROUTES).boundTo("orders").build());
            service.createTable();

            System.out.println("== Mailroom demo: publishing inside the order's transaction (" + settings.pgUrl()
                    + ", schema " + settings.schema() + ")");
            List<String[]> orders3 = List.of(
                    new String[] {"order-1001", "ada", "42.50"},
                    new String[] {"order-1002", "grace", "17.00"},
                    new String[] {"order-1003", "linus", "99.99"});
            for (String[] order : orders3) {
                UUID id = service.placeOrder(order[0], order[1], order[2], false);
                System.out.printf("committed   %s -> event %s%n", order[0], id);
            }
            UUID rolledBack = service.placeOrder("order-1004", "mallory", "1.00", true);
            System.out.printf("rolled back %s -> event %s (must not appear below)%n", "order-1004", rolledBack);

            OutboxStore store = OutboxStore.create(dataSource, orders.table());
            System.out.println();
            System.out.println("== The outbox table " + orders.table() + " now holds:");
            printRows(store.claim("demo-inspector", 100, java.time.Duration.ofSeconds(1)), store);
            System.out.println();
            System.out.println("== Counts: " + store.counts().byState() + ", rolled-back event present: "
                    + store.find(rolledBack).isPresent());
        }
    }

    private static void printRows(List<OutboxRow> rows, OutboxStore store) {
        for (OutboxRow row : rows) {
            System.out.printf("  #%d %-13s key=%-10s tenant=%s payload=%s headers=%s%n", row.id(), row.eventType(),
                    row.key(), row.tenantId(), new String(row.payload(), StandardCharsets.UTF_8), row.headers());
        }
        store.release("demo-inspector", rows.stream().map(OutboxRow::id).toList());
    }

    private static void resetSchema(DemoSettings settings) throws SQLException {
        try (Connection connection = DriverManager.getConnection(settings.pgUrl(), settings.pgUser(), settings.pgPassword())) {
            connection.createStatement().execute("DROP SCHEMA IF EXISTS " + settings.schema() + " CASCADE");
            connection.createStatement().execute("CREATE SCHEMA " + settings.schema());
        } catch (SQLException e) {
            throw new SQLException("No PostgreSQL at " + settings.pgUrl() + " (" + e.getMessage()
                    + "); set MAILROOM_PG_URL, MAILROOM_PG_USER and MAILROOM_PG_PASSWORD", e);
        }
    }

    private static HikariDataSource dataSource(DemoSettings settings) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(settings.pgUrl() + (settings.pgUrl().contains("?") ? "&" : "?")
                + "currentSchema=" + settings.schema());
        dataSource.setUsername(settings.pgUser());
        dataSource.setPassword(settings.pgPassword());
        dataSource.setMaximumPoolSize(4);
        return dataSource;
    }
}
