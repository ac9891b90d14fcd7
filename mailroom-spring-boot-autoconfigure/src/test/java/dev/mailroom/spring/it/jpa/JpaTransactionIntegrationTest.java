package dev.mailroom.spring.it.jpa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mailroom.spring.it.SpringTestEnvironment;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The same service on JPA/Hibernate: an entity persisted in a {@code @Transactional} method and the
 * event it publishes commit together through {@code JpaTransactionManager}, a throw publishes
 * nothing, and a handler bean persisting an entity commits it with the inbox record.
 */
@ExtendWith(SpringTestEnvironment.class)
@SpringBootTest(classes = JpaOrdersApplication.class, properties = {
        "spring.sql.init.mode=always",
        "spring.sql.init.schema-locations=classpath:orders-schema.sql",
        "spring.jpa.hibernate.ddl-auto=none",
        "spring.jpa.open-in-view=false",
        "mailroom.services.orders.table=orders_outbox",
        "mailroom.services.orders.topic=it.jpa.orders",
        "mailroom.services.orders.consumer-group=it-jpa-notifications",
        "mailroom.services.orders.events=order.placed",
        "mailroom.schema.initialize=always",
        "mailroom.kafka.create-missing-topics-partitions=1",
        "mailroom.consumer.retry.initial-delay=50ms"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class JpaTransactionIntegrationTest {

    @DynamicPropertySource
    static void environment(DynamicPropertyRegistry registry) {
        SpringTestEnvironment.register(registry);
        registry.add("spring.jpa.properties.hibernate.jdbc.time_zone", () -> "UTC");
    }

    @Autowired
    JpaOrdersApplication.Orders orders;
    @Autowired
    JpaOrdersApplication.NotificationHandler handler;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    PlatformTransactionManager transactionManager;

    @Test
    void theApplicationRunsOnJpaTransactions() {
        assertThat(transactionManager).isInstanceOf(JpaTransactionManager.class);
    }

    @Test
    void anEntityAndItsEventCommitTogetherAndAThrowPublishesNothing() {
        assertThatThrownBy(() -> orders.place("p-2", BigDecimal.TEN, true)).hasMessageContaining("declined");
        orders.place("p-1", new BigDecimal("99.90"), false);
        awaitNotification("p-1");
        assertThat(count("SELECT count(*) FROM orders WHERE order_id IN ('p-1', 'p-2')")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM orders_outbox WHERE event_key = 'p-1'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM orders_outbox WHERE event_key = 'p-2'")).isZero();
        assertThat(count("SELECT count(*) FROM notifications WHERE order_id = 'p-2'")).isZero();
    }

    @Test
    void aHandlersEntityRollsBackWithItsInboxRecordWhenItFails() {
        handler.failuresLeft.put("p-3", new AtomicInteger(1));
        orders.place("p-3", BigDecimal.ONE, false);
        awaitNotification("p-3");
        assertThat(count("SELECT count(*) FROM it_jpa_notifications_inbox WHERE event_key = 'p-3'"
                + " AND status = 'consumed' AND attempts = 1")).isEqualTo(1);
    }

    private void awaitNotification(String orderId) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> count("SELECT count(*) FROM notifications WHERE order_id = '" + orderId + "'") == 1);
    }

    private long count(String sql) {
        Long count = jdbc.queryForObject(sql, Long.class);
        return count == null ? 0 : count;
    }
}
