package dev.mailroom.consumer;

import static dev.mailroom.consumer.ConsumerFixture.order;
import static dev.mailroom.consumer.ConsumerFixture.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.kafka.KafkaBroker;
import dev.mailroom.testkit.kafka.WithKafka;
import dev.mailroom.testkit.net.TcpProxy;
import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The consumer through a real TCP proxy in front of the database, which the test cuts and restores. */
@WithKafka
abstract class ConsumerOutageContract {

    private static final Duration UNHEALTHY_AFTER = Duration.ofSeconds(1);
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private ConsumerFixture fixture;

    @BeforeEach
    void freshTopicAndGroup(TestDatabase database, KafkaBroker broker) throws SQLException {
        fixture = new ConsumerFixture(database, broker);
    }

    @Test
    void aDatabaseOutageMakesTheConsumerUnhealthyAndAfterItEveryEventTakesEffectExactlyOnce() throws Exception {
        TestDatabase database = fixture.database();
        InetSocketAddress server = database.serverAddress();
        try (TcpProxy proxy = TcpProxy.start(server.getHostString(), server.getPort());
             HikariDataSource pool = database.dataSourceVia(proxy.host(), proxy.port(), Duration.ofSeconds(1));
             ConsumerRunner runner = started(fixture.runner(pool).unhealthyAfter(UNHEALTHY_AFTER))) {
            sendOrders("before", 10);
            // committed, not just handled: no handler transaction may be in flight when the proxy cuts
            await().atMost(PATIENCE).until(() -> fixture.inboxCount(runner, "status = 'consumed'") == 10);
            assertThat(runner.health().healthy()).isTrue();

            proxy.cut();
            List<UUID> during = sendOrders("during", 20);

            await().atMost(PATIENCE).until(() -> !runner.isHealthy());
            ConsumerHealth down = runner.health();
            assertThat(down.receiverRunning()).as("the receiver rides out the outage").isTrue();
            assertThat(down.consecutiveFailures()).isPositive();
            assertThat(down.failingSince()).isNotNull();
            assertThat(down.lastInboxWriteError()).isNotBlank();
            assertThat(fixture.handled.keySet()).doesNotContainAnyElementsOf(during);

            proxy.restore();

            await().atMost(PATIENCE).until(() -> fixture.inboxCount(runner, "status = 'consumed'") == 30);
            assertThat(fixture.handled.keySet()).containsAll(during);
            await().atMost(PATIENCE).until(runner::isHealthy);
            await().atMost(PATIENCE).until(() -> fixture.committedOffset() == 30);
            ConsumerHealth up = runner.health();
            assertThat(up.receiverRunning()).isTrue();
            assertThat(up.workerRunning()).isTrue();
            assertThat(up.consecutiveFailures()).isZero();
            assertThat(up.failingSince()).isNull();
            assertThat(up.lastInboxWriteError()).as("kept for the operator").isNotBlank();
            assertThat(fixture.inboxCount(runner, "true")).isEqualTo(30);
        }
        assertThat(fixture.count("SELECT count(*) FROM notified")).as("one effect per event").isEqualTo(30);
        assertThat(fixture.count("SELECT count(DISTINCT event_id) FROM notified")).isEqualTo(30);
        assertThat(fixture.handled).hasSize(30).allSatisfy((id, times) -> assertThat(times).hasValue(1));
    }

    @Test
    void aBrokerOutageDoesNotEndTheReceiverAndEventsSentAfterItAreHandledOnce() throws Exception {
        try (ConsumerRunner runner = started(fixture.runner())) {
            sendOrders("before", 5);
            await().atMost(PATIENCE).until(() -> fixture.inboxCount(runner, "status = 'consumed'") == 5);

            fixture.broker().stop();
            try {
                assertThat(fixture.broker().isRunning()).isFalse();
                assertThat(runner.health().receiverRunning()).isTrue();
            } finally {
                fixture.broker().restart();
            }

            sendOrders("after", 5);
            await().atMost(PATIENCE).until(() -> fixture.inboxCount(runner, "status = 'consumed'") == 10);
            await().atMost(PATIENCE).until(() -> fixture.committedOffset() == 10);
            assertThat(runner.health().healthy()).isTrue();
        }
        assertThat(fixture.count("SELECT count(*) FROM notified")).isEqualTo(10);
        assertThat(fixture.handled).hasSize(10).allSatisfy((id, times) -> assertThat(times).hasValue(1));
    }

    private List<UUID> sendOrders(String prefix, int count) throws Exception {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            UUID id = UUID.randomUUID();
            fixture.send(prefix + "-" + i, id, "order.placed", "1", order(prefix + "-" + i, "1.00"));
            ids.add(id);
        }
        return ids;
    }
}
