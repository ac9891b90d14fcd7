package dev.mailroom.spring.autoconfigure;

import dev.mailroom.transport.InProcessTransport;
import dev.mailroom.transport.Transport;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/** Application context runners with Mailroom's auto-configurations, a test database and an in-process transport. */
final class ContextRunners {

    static final AutoConfigurations MAILROOM = AutoConfigurations.of(MailroomAutoConfiguration.class,
            MailroomRelayAutoConfiguration.class, MailroomConsumerAutoConfiguration.class,
            MailroomLedgerAutoConfiguration.class, MailroomAdminAutoConfiguration.class,
            MailroomHealthAutoConfiguration.class, MailroomEndpointAutoConfiguration.class);

    static final String[] ORDERS = {
            "mailroom.services.orders.table=orders_outbox",
            "mailroom.services.orders.topic=orders.events",
            "mailroom.services.orders.consumer-group=notifications",
            "mailroom.services.orders.events=order.placed,order.cancelled",
            "mailroom.schema.initialize=always"};

    private ContextRunners() {
    }

    /**
     * Mailroom on {@code dataSource} (wrapped, so the context never closes the test's pool) with an
     * in-process transport listening on {@code orders.events}, and the orders routes.
     */
    static ApplicationContextRunner mailroom(DataSource dataSource) {
        return new ApplicationContextRunner()
                .withConfiguration(MAILROOM)
                .withBean("dataSource", DataSource.class, () -> new DelegatingDataSource(dataSource))
                .withBean("transport", Transport.class,
                        () -> new InProcessTransport().subscribe("orders.events", envelope -> { }))
                .withPropertyValues(ORDERS);
    }
}
