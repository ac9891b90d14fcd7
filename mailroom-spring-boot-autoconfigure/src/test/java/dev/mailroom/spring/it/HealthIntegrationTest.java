package dev.mailroom.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.spring.TransactionalOutboxPublisher;
import dev.mailroom.spring.actuate.MailroomHealthIndicator;
import dev.mailroom.testkit.net.TcpProxy;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The {@code mailroom} health indicator of a running application: up while the database answers and
 * the relay heartbeats; down while a TCP proxy between the pool and PostgreSQL drops every
 * connection; up again once it forwards; out of service when an outbox's oldest undelivered row is
 * older than the threshold.
 */
@ExtendWith(SpringTestEnvironment.class)
@SpringBootTest(classes = HealthIntegrationTest.App.class, properties = {
        "mailroom.services.orders.table=orders_outbox",
        "mailroom.services.orders.topic=it.health.orders",
        "mailroom.services.orders.events=order.placed",
        "mailroom.services.audit.table=audit_outbox",
        "mailroom.services.audit.topic=it.health.audit",
        "mailroom.services.audit.events=audit.recorded",
        "mailroom.relay.services=orders",
        "mailroom.health.oldest-undelivered-threshold=300ms",
        "mailroom.schema.initialize=always",
        "mailroom.kafka.create-missing-topics-partitions=1"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealthIntegrationTest {

    private static TcpProxy proxy;

    @DynamicPropertySource
    static void environment(DynamicPropertyRegistry registry) {
        SpringTestEnvironment.register(registry);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration(excludeName = {
            "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
            "org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration"})
    static class App {

        /** The application's pool reaches PostgreSQL through a proxy the test can cut. */
        @Bean
        DataSource dataSource() {
            var database = SpringTestEnvironment.database();
            proxy = TcpProxy.start(database.serverAddress().getHostString(), database.serverAddress().getPort());
            return database.dataSourceVia(proxy.host(), proxy.port(), Duration.ofMillis(500));
        }
    }

    @AfterAll
    static void closeProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Autowired
    MailroomHealthIndicator health;
    @Autowired
    TransactionalOutboxPublisher publisher;
    @Autowired
    TransactionTemplate transactions;

    @Test
    @Order(1)
    void upWhileTheDatabaseAnswersDownWhileItDoesNotAndUpAgainAfter() {
        await().atMost(Duration.ofSeconds(30)).until(() -> health.health().getStatus().equals(Status.UP));
        assertThat(mailboxes(health.health())).containsKey("outbox:orders");
        assertThat(detail(health.health(), "outbox:orders")).containsEntry("relay", "running");
        assertThat(detail(health.health(), "outbox:audit")).containsEntry("relay", "none in this application");

        proxy.cut();
        await().atMost(Duration.ofSeconds(30)).until(() -> health.health().getStatus().equals(Status.DOWN));
        assertThat(health.health().getDetails()).containsKey("error");

        proxy.restore();
        await().atMost(Duration.ofSeconds(30)).until(() -> health.health().getStatus().equals(Status.UP));
    }

    @Test
    @Order(2)
    void outOfServiceWhenTheOldestUndeliveredRowIsOlderThanTheThreshold() {
        transactions.executeWithoutResult(status -> publisher.publish("audit.recorded", "a-1", Map.of("who", "ada")));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> health.health().getStatus().equals(Status.OUT_OF_SERVICE));
        assertThat(detail(health.health(), "outbox:audit")).containsKey("backlog");
        assertThat(detail(health.health(), "outbox:orders")).doesNotContainKey("backlog");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mailboxes(Health health) {
        return (Map<String, Object>) health.getDetails().get("mailboxes");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> detail(Health health, String mailbox) {
        return (Map<String, Object>) mailboxes(health).get(mailbox);
    }
}
