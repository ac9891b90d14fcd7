package dev.mailroom.consumer;

import static dev.mailroom.consumer.ConsumerFixture.order;
import static dev.mailroom.consumer.ConsumerFixture.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.event.OutboxEvent;
import dev.mailroom.jdbc.operator.Actor;
import dev.mailroom.jdbc.operator.MessageFilter;
import dev.mailroom.jdbc.operator.OperatorMove;
import dev.mailroom.jdbc.operator.OperatorStore;
import dev.mailroom.jdbc.operator.Selection;
import dev.mailroom.jdbc.publish.OutboxPublisher;
import dev.mailroom.kafka.KafkaTransport;
import dev.mailroom.relay.Relay;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.kafka.KafkaBroker;
import dev.mailroom.testkit.kafka.WithKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The consumer runner and its inbox against a real database and the in-process Kafka broker. */
@WithKafka
abstract class ConsumerRunnerContract {

    private ConsumerFixture fixture;

    @BeforeEach
    void freshTopicAndGroup(TestDatabase database, KafkaBroker broker) throws SQLException {
        fixture = new ConsumerFixture(database, broker);
    }

    @Test
    void theSameEventDeliveredTwiceOrReadAgainAfterAnOffsetResetTakesEffectOnce() throws Exception {
        UUID id = UUID.randomUUID();
        fixture.send("order-1", id, "order.placed", "1", order("order-1", "12.50"));
        fixture.send("order-1", id, "order.placed", "1", order("order-1", "12.50"));
        try (ConsumerRunner runner = started(fixture.runner())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> fixture.inboxCount(runner, "status = 'consumed'") == 1);
            assertThat(fixture.inboxCount(runner, "true")).as("one inbox row for two records").isEqualTo(1);
        }
        fixture.resetOffsets();
        try (ConsumerRunner again = started(fixture.runner())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> fixture.committedOffset() == 2);
            assertThat(fixture.count("SELECT count(*) FROM notified WHERE event_id = '" + id + "'")).isEqualTo(1);
        }
        assertThat(fixture.handled.get(id)).hasValue(1);
    }

    @Test
    void aConsumerStoppedAfterTheWorkButBeforeTheOffsetCommitLosesNothingAndDoesNothingTwice() throws Exception {
        UUID id = UUID.randomUUID();
        fixture.send("order-2", id, "order.placed", "1", order("order-2", "30.00"));
        try (ConsumerRunner crashing = fixture.runner().build()) {
            crashing.migrate();
            crashing.beforeOffsetCommit(() -> {
                await().atMost(Duration.ofSeconds(30)).until(() -> fixture.handled.containsKey(id));
                throw new IllegalStateException("process killed before the offset commit");
            });
            crashing.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> fixture.handled.containsKey(id));
        }
        assertThat(fixture.committedOffset()).as("nothing committed").isEqualTo(-1);
        try (ConsumerRunner restarted = started(fixture.runner())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> fixture.committedOffset() == 1);
        }
        assertThat(fixture.handled.get(id)).hasValue(1);
        assertThat(fixture.count("SELECT count(*) FROM notified")).isEqualTo(1);
    }

    @Test
    void poisonIsDeadWithItsReasonAndLaterEventsOfTheSameKeyKeepFlowing() throws Exception {
        UUID wrongVersion = UUID.randomUUID();
        UUID badJson = UUID.randomUUID();
        UUID invalid = UUID.randomUUID();
        UUID fine = UUID.randomUUID();
        fixture.send("order-3", wrongVersion, "order.placed", "2", order("order-3", "1.00"));
        fixture.send("order-3", badJson, "order.placed", "1", "{not json");
        fixture.send("order-3", invalid, "order.placed", "1", order("order-3", "-5.00"));
        fixture.send("order-3", fine, "order.placed", "1", order("order-3", "5.00"));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (ConsumerRunner runner = started(fixture.runner().meterRegistry(meters))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> fixture.handled.containsKey(fine));
            await().atMost(Duration.ofSeconds(30)).until(() -> fixture.inboxCount(runner, "status = 'dead'") == 3);
            assertThat(fixture.lastError(runner, wrongVersion)).contains("version 2 is not supported");
            assertThat(fixture.lastError(runner, badJson)).contains("does not parse");
            assertThat(fixture.lastError(runner, invalid)).contains("total must not be negative");
            assertThat(fixture.inboxCount(runner, "status = 'dead' AND attempts = 0")).as("never retried").isEqualTo(3);
            assertThat(meters.get("mailroom.inbox.processed").tag("outcome", "dead").counter().count()).isEqualTo(3);
        }
    }

    @Test
    void withHoldKeyAPoisonEventHoldsItsKeyInTheInboxUntilAnOperatorSkipsIt() throws Exception {
        UUID poison = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        UUID third = UUID.randomUUID();
        UUID otherKey = UUID.randomUUID();
        fixture.send(onPartitionZero("order-8", poison, "{not json"), onPartitionZero("order-8", second,
                order("order-8", "2.00")), onPartitionZero("order-8", third, order("order-8", "3.00")),
                onPartitionZero("order-9", otherKey, order("order-9", "1.00")));
        try (ConsumerRunner runner = started(fixture.runnerHoldingKeys())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> fixture.handled.containsKey(otherKey));
            await().atMost(Duration.ofSeconds(30)).until(() -> fixture.inboxCount(runner, "status = 'dead'") == 1);
            assertThat(fixture.lastError(runner, poison)).contains("does not parse");
            assertThat(fixture.inboxCount(runner, "status = 'pending'")).as("order-8's later events wait").isEqualTo(2);
            OperatorStore inbox = OperatorStore.create(fixture.database().dataSource(), fixture.sql().dialect(),
                    runner.inboxTable(), "inbox:" + fixture.group(), null);
            assertThat(inbox.heldKeys(10)).singleElement().satisfies(held -> {
                assertThat(held.eventId()).isEqualTo(poison);
                assertThat(held.waiting()).isEqualTo(2);
            });

            assertThat(inbox.apply(OperatorMove.SKIP, Selection.matching(MessageFilter.any().withHoldingOnly()),
                    new Actor("ada", "unparseable, dropped")).rows()).isOne();
            await().atMost(Duration.ofSeconds(30)).until(() -> fixture.handled.containsKey(third));
        }
        assertThat(fixture.handled).containsOnlyKeys(second, third, otherKey);
        assertThat(fixture.count("SELECT count(*) FROM notified")).isEqualTo(3);
    }

    @Test
    void recordsTheInboxCannotStoreAsTheyCameAreDeadWithTheFieldNamedAndTheRestOfTheirBatchIsHandled()
            throws Exception {
        UUID nulTenant = UUID.randomUUID();
        UUID nulKey = UUID.randomUUID();
        UUID badUtf8Correlation = UUID.randomUUID();
        UUID longKey = UUID.randomUUID();
        UUID fine = UUID.randomUUID();
        ProducerRecord<byte[], byte[]> tenant = onPartitionZero("order-5", nulTenant, order("order-5", "1.00"));
        tenant.headers().add("ce_tenantid", "acme\0".getBytes(StandardCharsets.UTF_8));
        ProducerRecord<byte[], byte[]> correlation = onPartitionZero("order-5", badUtf8Correlation,
                order("order-5", "1.00"));
        correlation.headers().add("ce_correlationid", new byte[] {'c', (byte) 0xFF, 'd'});
        fixture.send(tenant, onPartitionZero("order-\0-5", nulKey, order("order-5", "1.00")), correlation,
                onPartitionZero("k".repeat(3000), longKey, order("order-5", "1.00")),
                onPartitionZero("order-5", fine, order("order-5", "5.00")));
        try (ConsumerRunner runner = started(fixture.runner())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> fixture.handled.containsKey(fine));
            await().atMost(Duration.ofSeconds(30)).until(() -> fixture.inboxCount(runner, "status = 'dead'") == 4);
            assertThat(fixture.lastError(runner, nulTenant)).contains("header 'ce_tenantid' contains a NUL");
            assertThat(fixture.lastError(runner, nulKey)).contains("record key contains a NUL");
            assertThat(fixture.lastError(runner, badUtf8Correlation))
                    .contains("header 'ce_correlationid' is not valid UTF-8");
            assertThat(fixture.lastError(runner, longKey)).contains("record key is 3000 characters");
            assertThat(runner.health().consecutiveFailures()).isZero();
            assertThat(runner.health().lastInboxWriteError()).as("no write ever failed").isNull();
        }
        assertThat(fixture.handled).containsOnlyKeys(fine);
    }

    @Test
    void aRecordTheInboxTableRefusesForAReasonNobodyForesawIsDeadAsAPlaceholderAndItsBatchIsHandled()
            throws Exception {
        ConsumerRunner.Builder builder = fixture.runner();
        UUID refused = UUID.randomUUID();
        UUID before = UUID.randomUUID();
        UUID after = UUID.randomUUID();
        try (ConsumerRunner runner = builder.build()) {
            runner.migrate();
            // a constraint of the user's own (or anything else the database refuses for its data) fails the batch insert
            fixture.execute(fixture.sql().refuseKey(runner.inboxTable(), "no_refused_keys", "refused"));
            fixture.send(onPartitionZero("order-6", before, order("order-6", "1.00")),
                    onPartitionZero("refused", refused, order("order-7", "1.00")),
                    onPartitionZero("order-6", after, order("order-6", "2.00")));
            runner.start();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> fixture.handled.containsKey(before) && fixture.handled.containsKey(after));
            await().atMost(Duration.ofSeconds(30)).until(() -> fixture.inboxCount(runner, "status = 'dead'") == 1);
            assertThat(fixture.lastError(runner, refused)).contains("the inbox refused the record as it came")
                    .contains(fixture.sql().checkViolationState()).contains("no_refused_keys");
            assertThat(fixture.inboxCount(runner, "event_id = '" + refused + "' AND length(payload) = 0"
                    + " AND " + fixture.sql().header("kafka.offset") + " IS NOT NULL")).isEqualTo(1);
            assertThat(runner.isHealthy()).isTrue();
        }
        assertThat(fixture.handled).containsOnlyKeys(before, after);
    }

    /** A record sent to partition 0, so that the good and the bad arrive in one batch. */
    private ProducerRecord<byte[], byte[]> onPartitionZero(String key, UUID ceId, String value) {
        ProducerRecord<byte[], byte[]> record = fixture.record(key, ceId, "order.placed", "1", value);
        return new ProducerRecord<>(record.topic(), 0, record.key(), record.value(), record.headers());
    }

    @Test
    void aHandlerFailingTwiceSucceedsOnceAndOneFailingForeverIsDeadWithoutHoldingBackOtherKeys() throws Exception {
        fixture.failuresLeft.put("flaky", new AtomicInteger(2));
        fixture.failuresLeft.put("broken", new AtomicInteger(Integer.MAX_VALUE));
        UUID flaky = UUID.randomUUID();
        UUID broken = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        fixture.send("flaky", flaky, "order.placed", "1", order("flaky", "1.00"));
        fixture.send("broken", broken, "order.placed", "1", order("broken", "1.00"));
        fixture.send("other", other, "order.placed", "1", order("other", "1.00"));
        try (ConsumerRunner runner = started(fixture.runner())) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> fixture.handled.containsKey(flaky) && fixture.handled.containsKey(other));
            await().atMost(Duration.ofSeconds(30)).until(() -> fixture.inboxCount(runner, "status = 'dead'") == 1);
            assertThat(fixture.inboxCount(runner, "event_id = '" + flaky + "' AND status = 'consumed' AND attempts = 2"))
                    .isEqualTo(1);
            assertThat(fixture.inboxCount(runner, "event_id = '" + broken + "' AND attempts = "
                    + ConsumerFixture.FAST.maxAttempts() + " AND last_error LIKE '%mail server busy%'")).isEqualTo(1);
        }
        assertThat(fixture.handled.get(flaky)).hasValue(1);
        assertThat(fixture.handled).doesNotContainKey(broken);
    }

    @Test
    void eachRetryOfAFailingHandlerRunsWhenItFallsDueNotAfterTheWorkersIdleWait() throws Exception {
        int failures = 12;
        fixture.failuresLeft.put("patient", new AtomicInteger(failures));
        UUID patient = UUID.randomUUID();
        fixture.send("patient", patient, "order.placed", "1", order("patient", "1.00"));
        RetryPolicy quick = RetryPolicy.builder().initialDelay(Duration.ofMillis(10)).maxDelay(Duration.ofMillis(50))
                .maxAttempts(failures + 1).build();
        try (ConsumerRunner runner = started(fixture.runner().retryPolicy(quick))) {
            // 12 retries due within a second in all; a single one missed waits out the idle wait
            await().atMost(ConsumerRunner.DEFAULT_IDLE_WAIT.dividedBy(2)).until(() ->
                    fixture.inboxCount(runner, "status = 'consumed' AND attempts = " + failures) == 1);
        }
        assertThat(fixture.handled.get(patient)).hasValue(1);
    }

    @Test
    void aHandlerFailingWithANulInItsMessageIsRetriedAndDeadLikeAnyOther() throws Exception {
        fixture.failuresLeft.put("nul\0order", new AtomicInteger(Integer.MAX_VALUE));
        UUID nul = UUID.randomUUID();
        fixture.send("nul", nul, "order.placed", "1", order("nul\\u0000order", "1.00"));
        try (ConsumerRunner runner = started(fixture.runner())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> fixture.inboxCount(runner, "status = 'dead'") == 1);
            assertThat(fixture.lastError(runner, nul)).contains("mail server busy for nul").doesNotContain("\0");
            assertThat(fixture.inboxCount(runner, "attempts = " + ConsumerFixture.FAST.maxAttempts())).isEqualTo(1);
        }
    }

    @Test
    void whenTheConsumerSharesTheProducersDatabaseTheOutboxRowEndsConsumed() throws Exception {
        OutboxPublisher publisher = OutboxPublisher.builder(fixture.routes()).build();
        UUID id;
        DataSource dataSource = fixture.database().dataSource();
        try (Connection connection = dataSource.getConnection()) {
            id = publisher.publish(connection, OutboxEvent.builder("order.placed").key("order-9")
                    .json(order("order-9", "9.99")).build());
        }
        try (KafkaTransport transport = KafkaTransport.builder(fixture.broker().bootstrapServers()).build();
             Relay relay = Relay.builder(dataSource, fixture.routes(), transport).service("orders").build().start();
             ConsumerRunner runner = started(fixture.runner().sharedOutbox(true))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> fixture.handled.containsKey(id));
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    fixture.count("SELECT count(*) FROM orders_outbox WHERE event_id = '" + id
                            + "' AND status = 'consumed'") == 1);
        }
    }

    @Test
    void eventsWithoutAHandlerAreDeadLetteredOrSkippedAsConfigured() throws Exception {
        UUID unknown = UUID.randomUUID();
        fixture.send("x", unknown, "order.mystery", "1", "{}");
        try (ConsumerRunner runner = started(fixture.runner())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> fixture.inboxCount(runner, "status = 'dead'") == 1);
            assertThat(fixture.lastError(runner, unknown)).contains("no handler for event type 'order.mystery'");
        }
        fixture.resetOffsets();
        fixture.execute("TRUNCATE " + ConsumerRunner.defaultInboxTable(fixture.group()));
        try (ConsumerRunner skipping = started(fixture.runner().unknownTypes(UnknownTypePolicy.SKIP))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> fixture.inboxCount(skipping, "status = 'consumed'") == 1);
        }
    }

    @Test
    void handlerTransactionsRunTheHandlerAndItsInboxRecordInTheCallersTransactionAndAPayloadReaderDecodes()
            throws Exception {
        fixture.failuresLeft.put("order-t", new AtomicInteger(1));
        UUID id = UUID.randomUUID();
        UUID unreadable = UUID.randomUUID();
        fixture.send("order-t", id, "order.placed", "1", order("order-t", "4.00"));
        fixture.send("order-u", unreadable, "order.placed", "1", order("order-u", "5.00"));
        AtomicInteger commits = new AtomicInteger();
        AtomicInteger rollbacks = new AtomicInteger();
        HandlerTransactions callers = work -> {
            try (Connection connection = fixture.database().dataSource().getConnection()) {
                connection.setAutoCommit(false);
                try {
                    work.accept(connection);
                    connection.commit();
                    commits.incrementAndGet();
                } catch (Exception e) {
                    connection.rollback();
                    rollbacks.incrementAndGet();
                    throw e;
                }
            }
        };
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper()
                .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        PayloadReader refusingOrderU = new PayloadReader() {
            @Override
            public <T> T read(byte[] payload, Class<T> type) throws Exception {
                if (new String(payload, StandardCharsets.UTF_8).contains("order-u")) {
                    throw new java.io.IOException("reader refuses order-u");
                }
                return json.readValue(payload, type);
            }
        };
        try (ConsumerRunner runner = started(fixture.runner().handlerTransactions(callers)
                .payloadReader(refusingOrderU))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> fixture.inboxCount(runner, "status = 'consumed'") == 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> fixture.inboxCount(runner, "status = 'dead'") == 1);
            assertThat(fixture.lastError(runner, unreadable)).contains("does not parse").contains("reader refuses order-u");
        }
        assertThat(rollbacks).as("the failed first attempt rolled back in the caller's transaction").hasValue(1);
        assertThat(commits).hasValue(1);
        assertThat(fixture.handled.get(id)).hasValue(1);
        assertThat(fixture.count("SELECT count(*) FROM notified WHERE event_id = '" + id + "'")).isEqualTo(1);
    }
}
