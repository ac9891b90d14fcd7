package dev.mailroom.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mailroom.spring.TransactionalOutboxPublisher;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithMariaDb;
import dev.mailroom.transport.InProcessTransport;
import dev.mailroom.transport.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** On MariaDB: the publisher joins the Spring transaction (a rollback publishes nothing) and the relay bean delivers. */
@WithMariaDb
class MariaDbStarterTest {

    @Test
    void aCommittedPublishIsDeliveredAndARolledBackOneNeverIs(TestDatabase database) {
        List<String> delivered = new CopyOnWriteArrayList<>();
        DataSource dataSource = new DelegatingDataSource(database.dataSource());
        new ApplicationContextRunner().withConfiguration(ContextRunners.MAILROOM)
                .withBean("dataSource", DataSource.class, () -> dataSource)
                .withBean(PlatformTransactionManager.class, () -> new DataSourceTransactionManager(dataSource))
                .withBean(Transport.class, () -> new InProcessTransport().subscribe("orders.events",
                        envelope -> delivered.add(envelope.key())))
                .withPropertyValues(ContextRunners.ORDERS)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    TransactionalOutboxPublisher publisher = context.getBean(TransactionalOutboxPublisher.class);
                    TransactionTemplate transactions = new TransactionTemplate(
                            context.getBean(PlatformTransactionManager.class));
                    assertThatThrownBy(() -> transactions.executeWithoutResult(status -> {
                        publisher.publish("order.placed", "m-2", Map.of("orderId", "m-2"));
                        throw new IllegalStateException("declined");
                    })).hasMessage("declined");
                    transactions.executeWithoutResult(status ->
                            publisher.publish("order.placed", "m-1", Map.of("orderId", "m-1")));
                    await().atMost(Duration.ofSeconds(30)).until(() -> delivered.contains("m-1"));
                    assertThat(delivered).containsExactly("m-1");
                    assertThat(new JdbcTemplate(dataSource).queryForObject(
                            "SELECT count(*) FROM orders_outbox WHERE event_key = 'm-2'", Long.class)).isZero();
                });
    }
}
