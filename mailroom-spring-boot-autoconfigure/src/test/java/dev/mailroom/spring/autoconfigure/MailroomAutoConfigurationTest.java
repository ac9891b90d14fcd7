package dev.mailroom.spring.autoconfigure;

import static dev.mailroom.spring.autoconfigure.ContextRunners.mailroom;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailroom.admin.MailroomAdmin;
import dev.mailroom.consumer.ConsumerRunner;
import dev.mailroom.consumer.UnknownTypePolicy;
import dev.mailroom.event.PublishLimits;
import dev.mailroom.jdbc.OutboxTableMissingException;
import dev.mailroom.jdbc.operator.RelayInstance;
import dev.mailroom.jdbc.publish.OutboxPublisher;
import dev.mailroom.kafka.KafkaTransport;
import dev.mailroom.ledger.CompensationLedger;
import dev.mailroom.relay.ClaimMode;
import dev.mailroom.relay.Relay;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.routing.PoisonPolicy;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.spring.MailroomJson;
import dev.mailroom.spring.TransactionalOutboxPublisher;
import dev.mailroom.spring.WithoutTransaction;
import dev.mailroom.spring.actuate.MailroomEndpoint;
import dev.mailroom.spring.actuate.MailroomHealthIndicator;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;
import dev.mailroom.transport.InProcessTransport;
import dev.mailroom.transport.Transport;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/** Which beans Mailroom's auto-configuration defines, under which conditions, with which defaults. */
@WithPostgres
class MailroomAutoConfigurationTest {

    private ApplicationContextRunner runner;
    private DataSource dataSource;

    @BeforeEach
    void runner(TestDatabase database) {
        dataSource = database.dataSource();
        runner = mailroom(dataSource);
    }

    @Test
    void withRoutesInPropertiesEveryMailroomBeanIsDefinedAndTheRelaysRun() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            RouteRegistry routes = context.getBean(RouteRegistry.class);
            assertThat(routes.route("order.cancelled").table().qualified()).isEqualTo("orders_outbox");
            assertThat(routes.route("order.placed").topic()).isEqualTo("orders.events");
            assertThat(routes.service("orders").consumerGroup()).isEqualTo("notifications");
            assertThat(context).hasSingleBean(OutboxPublisher.class).hasSingleBean(TransactionalOutboxPublisher.class)
                    .hasSingleBean(MailroomSchemaInitializer.class).hasSingleBean(MailroomAdmin.class)
                    .hasSingleBean(MailroomJson.class).hasSingleBean(MailroomHealthIndicator.class)
                    .hasSingleBean(MailroomConsumers.class).doesNotHaveBean(KafkaTransport.class)
                    .doesNotHaveBean(CompensationLedger.class).doesNotHaveBean(MailroomEndpoint.class);
            MailroomRelays relays = context.getBean(MailroomRelays.class);
            assertThat(relays.isRunning()).isTrue();
            assertThat(relays.services()).containsExactly("orders");
            assertThat(context.getBean(MailroomConsumers.class).runners()).as("no handler beans, no runners").isEmpty();
        });
    }

    @Test
    void routesDeclarePerEventTopicsAndPoisonPolicies() {
        runner.withPropertyValues("mailroom.services.orders.event-topics[order.refunded]=orders.refunds",
                        "mailroom.services.orders.event-poison-policies[order.placed]=HOLD_KEY",
                        "mailroom.relay.enabled=false")
                .run(context -> {
                    RouteRegistry routes = context.getBean(RouteRegistry.class);
                    assertThat(routes.route("order.refunded").topic()).isEqualTo("orders.refunds");
                    assertThat(routes.route("order.placed").poisonPolicy()).isEqualTo(PoisonPolicy.HOLD_KEY);
                    assertThat(routes.route("order.cancelled").poisonPolicy()).isEqualTo(PoisonPolicy.CONTINUE);
                });
    }

    @Test
    void mailroomEnabledFalseTurnsEveryBeanOff() {
        runner.withPropertyValues("mailroom.enabled=false", "mailroom.ledger.enabled=true").run(context -> {
            assertThat(context).hasNotFailed();
            for (Class<?> type : List.of(RouteRegistry.class, OutboxPublisher.class, TransactionalOutboxPublisher.class,
                    MailroomRelays.class, MailroomConsumers.class, CompensationLedger.class, MailroomAdmin.class,
                    MailroomHealthIndicator.class, MailroomJson.class, MailroomSchemaInitializer.class)) {
                assertThat(context).doesNotHaveBean(type);
            }
        });
    }

    @Test
    void relaysConsumersSchemaInitialisationAndTheLedgerAreSwitchedOneByOne() {
        runner.withPropertyValues("mailroom.relay.enabled=false", "mailroom.consumer.enabled=false",
                "mailroom.schema.initialize=never").run(context -> {
            assertThat(context).hasSingleBean(TransactionalOutboxPublisher.class).doesNotHaveBean(MailroomRelays.class)
                    .doesNotHaveBean(MailroomConsumers.class).doesNotHaveBean(MailroomSchemaInitializer.class)
                    .doesNotHaveBean(CompensationLedger.class);
        });
        runner.withPropertyValues("mailroom.relay.enabled=false", "mailroom.ledger.enabled=true",
                "mailroom.ledger.worker=false").run(context -> {
            assertThat(context).hasSingleBean(CompensationLedger.class).doesNotHaveBean(MailroomLedgerWorker.class);
            assertThat(context.getBean(MailroomAdmin.class).hasLedger()).isTrue();
        });
    }

    @Test
    void everyBeanBacksOffWhenTheApplicationDefinesItsOwn() {
        RouteRegistry ownRoutes = RouteRegistry.builder().service("billing", s -> s.table("billing_outbox")
                .topic("billing.events").event("invoice.sent")).build();
        OutboxPublisher ownPublisher = OutboxPublisher.builder(ownRoutes).build();
        MailroomJson ownJson = new Jackson2Json(new ObjectMapper());
        runner.withPropertyValues("mailroom.relay.enabled=false")
                .withBean(RouteRegistry.class, () -> ownRoutes)
                .withBean(OutboxPublisher.class, () -> ownPublisher)
                .withBean(MailroomJson.class, () -> ownJson)
                .run(context -> {
                    assertThat(context.getBean(RouteRegistry.class)).isSameAs(ownRoutes);
                    assertThat(context.getBean(OutboxPublisher.class)).isSameAs(ownPublisher);
                    assertThat(context.getBean(MailroomJson.class)).isSameAs(ownJson);
                    assertThat(context.getBean(MailroomAdmin.class).mailboxes()).extracting(box -> box.name())
                            .containsExactly("billing");
                });
        runner.withBean("ownRelays", MailroomRelays.class, () -> new MailroomRelays(java.util.Map.of()))
                .withBean("ownAdmin", MailroomAdmin.class, () -> MailroomAdmin.builder(dataSource, ownRoutes).build())
                .withBean("mailroomHealthIndicator", HealthIndicator.class, () -> () -> null)
                .run(context -> {
                    assertThat(context.getBean(MailroomRelays.class).services()).isEmpty();
                    assertThat(context.getBean(MailroomAdmin.class).mailboxes()).extracting(box -> box.name())
                            .containsExactly("billing");
                    assertThat(context).doesNotHaveBean(MailroomHealthIndicator.class);
                });
        runner.withBean("ownTransactional", TransactionalOutboxPublisher.class, () -> new TransactionalOutboxPublisher(
                        ownPublisher, dataSource, ownJson, WithoutTransaction.FAIL, null))
                .withPropertyValues("mailroom.relay.enabled=false")
                .run(context -> assertThat(context.getBean(TransactionalOutboxPublisher.class))
                        .isSameAs(context.getBean("ownTransactional")));
    }

    @Test
    void withoutRoutesOrTransportTheStartFailsNamingThePropertyToSet() {
        new ApplicationContextRunner().withConfiguration(ContextRunners.MAILROOM)
                .withBean(DataSource.class, () -> new org.springframework.jdbc.datasource.DelegatingDataSource(dataSource))
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("mailroom.services").hasMessageContaining("RouteRegistry bean"));
        new ApplicationContextRunner().withConfiguration(ContextRunners.MAILROOM)
                .withBean(DataSource.class, () -> new org.springframework.jdbc.datasource.DelegatingDataSource(dataSource))
                .withPropertyValues(ContextRunners.ORDERS)
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("mailroom.kafka.bootstrap-servers"));
    }

    @Test
    void withoutADataSourceMailroomBacksOff() {
        new ApplicationContextRunner().withConfiguration(ContextRunners.MAILROOM)
                .withPropertyValues(ContextRunners.ORDERS)
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(RouteRegistry.class)
                        .doesNotHaveBean(TransactionalOutboxPublisher.class));
    }

    @Test
    void aServiceTakesItsOwnRelaySettingsInPlaceOfTheApplicationsAndInheritsTheRest() {
        new ApplicationContextRunner().withConfiguration(ContextRunners.MAILROOM)
                .withBean("dataSource", DataSource.class, () -> new DelegatingDataSource(dataSource))
                .withBean("transport", Transport.class, () -> new InProcessTransport()
                        .subscribe("orders.events", envelope -> { }).subscribe("billing.events", envelope -> { }))
                .withPropertyValues(ContextRunners.ORDERS)
                .withPropertyValues("mailroom.services.billing.table=billing_outbox",
                        "mailroom.services.billing.topic=billing.events", "mailroom.services.billing.events=invoice.sent",
                        "mailroom.relay.batch-size=50", "mailroom.relay.send-timeout=5s", "mailroom.relay.retry.jitter=0.1",
                        "mailroom.services.billing.relay.batch-size=7", "mailroom.services.billing.relay.listen=false",
                        "mailroom.services.billing.relay.retry.jitter=0.3")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    MailroomRelays relays = context.getBean(MailroomRelays.class);
                    assertThat(relays.services()).containsExactly("orders", "billing");
                    MailroomProperties.RelaySettings orders = relays.settings("orders").orElseThrow();
                    MailroomProperties.RelaySettings billing = relays.settings("billing").orElseThrow();
                    assertThat(orders.getBatchSize()).isEqualTo(50);
                    assertThat(orders.isListen()).isTrue();
                    assertThat(orders.getRetry().getJitter()).isEqualTo(0.1);
                    assertThat(billing.getBatchSize()).isEqualTo(7);
                    assertThat(billing.isListen()).isFalse();
                    assertThat(billing.getRetry().getJitter()).isEqualTo(0.3);
                    assertThat(billing.getSendTimeout()).as("inherited").isEqualTo(Duration.ofSeconds(5));
                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> relays.relays().get("orders").listenerConnections() == 1);
                    assertThat(relays.relays().get("billing").listenerConnections()).as("polls instead").isZero();
                });
    }

    @Test
    void theDefaultsAreTheCoreConstants() {
        MailroomProperties defaults = new MailroomProperties();
        MailroomProperties.RelaySettings relay = defaults.getRelay();
        assertThat(relay.getBatchSize()).isEqualTo(Relay.DEFAULT_BATCH_SIZE);
        assertThat(relay.getLease()).isEqualTo(Relay.DEFAULT_LEASE);
        assertThat(relay.getSendTimeout()).isEqualTo(Relay.DEFAULT_SEND_TIMEOUT);
        assertThat(relay.getFallbackPoll()).isEqualTo(Relay.DEFAULT_FALLBACK_POLL);
        assertThat(relay.getReapInterval()).isEqualTo(Relay.DEFAULT_REAP_INTERVAL);
        assertThat(relay.getShutdownTimeout()).isEqualTo(Relay.DEFAULT_SHUTDOWN_TIMEOUT);
        assertThat(relay.getMinPoll()).isEqualTo(Relay.DEFAULT_MIN_POLL);
        assertThat(relay.getMaxPoll()).isEqualTo(Relay.DEFAULT_MAX_POLL);
        assertThat(relay.getRetentionInterval()).isEqualTo(Relay.DEFAULT_RETENTION_INTERVAL);
        assertThat(relay.getClaimMode()).isEqualTo(ClaimMode.ROW_LOCK);
        assertThat(relay.getRetry().getInitialDelay()).isEqualTo(RetryPolicy.DEFAULT_INITIAL_DELAY);
        assertThat(relay.getRetry().getMaxDelay()).isEqualTo(RetryPolicy.DEFAULT_MAX_DELAY);
        assertThat(relay.getRetry().getJitter()).isEqualTo(RetryPolicy.DEFAULT_JITTER);
        MailroomProperties.ConsumerSettings consumer = defaults.getConsumer();
        assertThat(consumer.getBatchSize()).isEqualTo(ConsumerRunner.DEFAULT_BATCH_SIZE);
        assertThat(consumer.getLease()).isEqualTo(ConsumerRunner.DEFAULT_LEASE);
        assertThat(consumer.getUnhealthyAfter()).isEqualTo(ConsumerRunner.DEFAULT_UNHEALTHY_AFTER);
        assertThat(consumer.getMaxAttempts()).isEqualTo(RetryPolicy.DEFAULT_MAX_ATTEMPTS);
        assertThat(consumer.getUnknownTypes()).isEqualTo(UnknownTypePolicy.DEAD_LETTER);
        MailroomProperties.Ledger ledger = defaults.getLedger();
        assertThat(ledger.getTable()).isEqualTo(CompensationLedger.DEFAULT_TABLE);
        assertThat(ledger.getMaxAttempts()).isEqualTo(CompensationLedger.DEFAULT_MAX_ATTEMPTS);
        assertThat(ledger.getBatchSize()).isEqualTo(CompensationLedger.DEFAULT_BATCH_SIZE);
        assertThat(ledger.getLease()).isEqualTo(CompensationLedger.DEFAULT_LEASE);
        assertThat(ledger.getIdleWait()).isEqualTo(CompensationLedger.DEFAULT_IDLE_WAIT);
        MailroomProperties.Kafka kafka = defaults.getKafka();
        assertThat(kafka.getDeliveryTimeout()).isEqualTo(KafkaTransport.DEFAULT_DELIVERY_TIMEOUT);
        assertThat(kafka.getAdminTimeout()).isEqualTo(KafkaTransport.DEFAULT_ADMIN_TIMEOUT);
        assertThat(kafka.getLingerMs()).isEqualTo(KafkaTransport.DEFAULT_LINGER_MS);
        MailroomProperties.Publisher publisher = defaults.getPublisher();
        assertThat(publisher.getMaxAttempts()).isEqualTo(RetryPolicy.DEFAULT_MAX_ATTEMPTS);
        assertThat(publisher.getMaxPayloadBytes()).isEqualTo(PublishLimits.DEFAULT_MAX_PAYLOAD_BYTES);
        assertThat(publisher.getMaxRecordBytes()).isEqualTo(PublishLimits.DEFAULT_MAX_RECORD_BYTES);
        assertThat(publisher.getWithoutTransaction()).isEqualTo(WithoutTransaction.FAIL);
        assertThat(defaults.getAdmin().getRelayExpiry()).isEqualTo(MailroomAdmin.DEFAULT_RELAY_EXPIRY);
        assertThat(defaults.getAdmin().isWritesEnabled()).isFalse();
        assertThat(defaults.getSchema().getInitialize()).isEqualTo(MailroomProperties.SchemaInitialization.NEVER);
        assertThat(defaults.getLedger().isEnabled()).isFalse();
    }

    @Test
    void theHealthIndicatorNeedsSpringBootHealthAndCanBeDisabled() {
        runner.withPropertyValues("mailroom.relay.enabled=false", "management.health.mailroom.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(MailroomHealthIndicator.class));
        runner.withPropertyValues("mailroom.relay.enabled=false")
                .withClassLoader(new FilteredClassLoader(HealthIndicator.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(MailroomHealthIndicator.class)
                        .hasSingleBean(MailroomAdmin.class));
    }

    @Test
    void theEndpointExistsOnlyWhenExposed() {
        runner.withPropertyValues("mailroom.relay.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(MailroomEndpoint.class));
        runner.withPropertyValues("mailroom.relay.enabled=false", "management.endpoints.web.exposure.include=mailroom")
                .run(context -> assertThat(context).hasSingleBean(MailroomEndpoint.class));
    }

    @Test
    void payloadJsonGoesThroughTheApplicationsMapperJackson3FirstThenJackson2() {
        runner.withPropertyValues("mailroom.relay.enabled=false")
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class))
                .run(context -> assertThat(context.getBean(MailroomJson.class)).isInstanceOf(Jackson3Json.class));
        ObjectMapper application = new ObjectMapper();
        runner.withPropertyValues("mailroom.relay.enabled=false")
                .withBean(ObjectMapper.class, () -> application)
                .run(context -> assertThat(context.getBean(MailroomJson.class)).isInstanceOf(Jackson2Json.class)
                        .hasToString("Jackson 2 (ObjectMapper)"));
    }

    @Test
    void relaysStopGracefullyBeforeTheDataSourceClosesAndSayIt() {
        String[] owner = new String[1];
        runner.run(context -> owner[0] = context.getBean(MailroomRelays.class).relays().get("orders").owner());
        MailroomAdmin admin = MailroomAdmin.builder(dataSource, RouteRegistry.builder().service("orders", s -> s
                .table("orders_outbox").topic("orders.events").event("order.placed")).build()).build();
        assertThat(admin.relays()).filteredOn(relay -> relay.instanceId().equals(owner[0]))
                .singleElement().extracting(RelayInstance::stoppedAt).isNotNull();
    }

    @Test
    void theSchemaIsCreatedOnlyWhenInitialisationIsAsked() {
        RouteRegistry routes = RouteRegistry.builder().service("fresh", s -> s.table("fresh_outbox")
                .topic("orders.events").event("fresh.made")).build();
        ApplicationContextRunner fresh = runner.withPropertyValues("mailroom.relay.enabled=false",
                "mailroom.publisher.without-transaction=new-transaction").withBean(RouteRegistry.class, () -> routes);
        fresh.withPropertyValues("mailroom.schema.initialize=never").run(context ->
                assertThatThrownBy(() -> context.getBean(TransactionalOutboxPublisher.class)
                        .publish("fresh.made", "k-1", java.util.Map.of("n", 1)))
                        .isInstanceOf(OutboxTableMissingException.class));
        fresh.withPropertyValues("mailroom.schema.initialize=always").run(context ->
                assertThat(context.getBean(TransactionalOutboxPublisher.class)
                        .publish("fresh.made", "k-1", java.util.Map.of("n", 1))).isNotNull());
    }
}
