package dev.mailroom.spring.autoconfigure;

import static dev.mailroom.spring.autoconfigure.ContextRunners.mailroom;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.consumer.EventMetadata;
import dev.mailroom.spring.MailroomHandler;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** A bad value of any mailroom.* property stops the start with a message naming the property. */
@WithPostgres
class BadPropertiesTest {

    private ApplicationContextRunner runner;

    @BeforeEach
    void runner(TestDatabase database) {
        runner = mailroom(database.dataSource());
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("mailroom.relay.batch-size=0", "mailroom.relay.batch-size"),
                Arguments.of("mailroom.relay.lease=0s", "mailroom.relay.lease"),
                Arguments.of("mailroom.relay.send-timeout=40s", "mailroom.relay.send-timeout"),
                Arguments.of("mailroom.relay.max-poll=1ms", "mailroom.relay.max-poll"),
                Arguments.of("mailroom.relay.retention=-1m", "mailroom.relay.retention"),
                Arguments.of("mailroom.relay.retry.jitter=2", "mailroom.relay.retry.jitter"),
                Arguments.of("mailroom.relay.retry.initial-delay=0s", "mailroom.relay.retry.initial-delay"),
                Arguments.of("mailroom.relay.claim-mode=SIDEWAYS", "mailroom.relay.claim-mode"),
                Arguments.of("mailroom.relay.lease=soon", "mailroom.relay.lease"),
                Arguments.of("mailroom.relay.services=billing", "mailroom.relay.services"),
                Arguments.of("mailroom.services.orders.relay.batch-size=0", "mailroom.services.orders.relay.batch-size"),
                Arguments.of("mailroom.services.orders.relay.lease=soon", "mailroom.services.orders.relay.lease"),
                Arguments.of("mailroom.services.orders.relay.retry.jitter=2",
                        "mailroom.services.orders.relay.retry.jitter"),
                Arguments.of("mailroom.services.orders.relay.batch-size=20,mailroom.relay.lease=0s", "mailroom.relay.lease"),
                Arguments.of("mailroom.publisher.max-attempts=0", "mailroom.publisher.max-attempts"),
                Arguments.of("mailroom.publisher.max-payload-bytes=0", "mailroom.publisher.max-payload-bytes"),
                Arguments.of("mailroom.publisher.service=billing", "mailroom.publisher.service"),
                Arguments.of("mailroom.publisher.without-transaction=sometimes", "mailroom.publisher.without-transaction"),
                Arguments.of("mailroom.services.orders.table=bad table!", "mailroom.services.orders.table"),
                Arguments.of("mailroom.services.orders.topic=bad topic", "mailroom.services.orders.topic"),
                Arguments.of("mailroom.services.orders.event-poison-policies[order.unknown]=HOLD_KEY",
                        "mailroom.services.orders"),
                Arguments.of("mailroom.schema.initialize=sometimes", "mailroom.schema.initialize"),
                Arguments.of("mailroom.admin.relay-expiry=0s", "mailroom.admin.relay-expiry"),
                Arguments.of("mailroom.health.oldest-undelivered-threshold=-1s",
                        "mailroom.health.oldest-undelivered-threshold"),
                Arguments.of("mailroom.health.backlog-status=SIDEWAYS", "mailroom.health.backlog-status"),
                Arguments.of("mailroom.ledger.enabled=true,mailroom.ledger.batch-size=0", "mailroom.ledger.batch-size"),
                Arguments.of("mailroom.ledger.enabled=true,mailroom.ledger.max-attempts=0", "mailroom.ledger.max-attempts"),
                Arguments.of("mailroom.ledger.enabled=true,mailroom.ledger.table=no such table", "mailroom.ledger.table"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void aBadValueIsRefusedAtStartNamingTheProperty(String properties, String named) {
        assertRefusedNaming(runner, properties, named);
    }

    static Stream<Arguments> badConsumerValues() {
        return Stream.of(
                Arguments.of("mailroom.consumer.batch-size=0", "mailroom.consumer.batch-size"),
                Arguments.of("mailroom.consumer.lease=10ms", "mailroom.consumer.lease"),
                Arguments.of("mailroom.consumer.unhealthy-after=0s", "mailroom.consumer.unhealthy-after"),
                Arguments.of("mailroom.consumer.max-attempts=0", "mailroom.consumer.max-attempts"),
                Arguments.of("mailroom.consumer.retry.max-delay=1ms", "mailroom.consumer.retry.max-delay"),
                Arguments.of("mailroom.consumer.inbox-tables[notifications]=no such table",
                        "mailroom.consumer.inbox-tables[notifications]"),
                Arguments.of("mailroom.kafka.bootstrap-servers=", "mailroom.kafka.bootstrap-servers"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConsumerValues")
    void aBadConsumerValueIsRefusedAtStartNamingTheProperty(String properties, String named) {
        assertRefusedNaming(runner.withPropertyValues("mailroom.relay.enabled=false",
                "mailroom.kafka.bootstrap-servers=127.0.0.1:1").withBean(Handlers.class), properties, named);
    }

    static Stream<Arguments> badKafkaValues() {
        return Stream.of(
                Arguments.of("mailroom.kafka.linger-ms=5000", "mailroom.kafka.linger-ms"),
                Arguments.of("mailroom.kafka.delivery-timeout=1s", "mailroom.kafka.delivery-timeout"),
                Arguments.of("mailroom.kafka.admin-timeout=1ms", "mailroom.kafka.admin-timeout"),
                Arguments.of("mailroom.kafka.create-missing-topics-partitions=0",
                        "mailroom.kafka.create-missing-topics-partitions"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badKafkaValues")
    void aBadKafkaValueIsRefusedAtStartNamingTheProperty(String properties, String named) {
        assertRefusedNaming(new ApplicationContextRunner().withConfiguration(ContextRunners.MAILROOM)
                .withBean(javax.sql.DataSource.class, () -> new org.springframework.jdbc.datasource.DelegatingDataSource(
                        runnerDataSource))
                .withPropertyValues(ContextRunners.ORDERS)
                .withPropertyValues("mailroom.kafka.bootstrap-servers=127.0.0.1:1"), properties, named);
    }

    private static void assertRefusedNaming(ApplicationContextRunner runner, String properties, String named) {
        runner.withPropertyValues(properties.split(",")).run(context ->
                assertThat(context).getFailure().satisfies(failure -> assertThat(messages(failure)).contains(named)));
    }

    private static javax.sql.DataSource runnerDataSource;

    @BeforeEach
    void dataSource(TestDatabase database) {
        runnerDataSource = database.dataSource();
    }

    /** Every message of the failure and its causes, the way Spring Boot's startup report shows them. */
    private static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            all.append(cause.getMessage()).append('\n');
            if (cause instanceof org.springframework.boot.context.properties.bind.BindException bind) {
                all.append(bind.getName()).append('\n');
            }
        }
        return all.toString();
    }

    static class Handlers {

        @MailroomHandler("order.placed")
        void on(java.util.Map<String, Object> order, EventMetadata metadata) {
        }
    }
}
