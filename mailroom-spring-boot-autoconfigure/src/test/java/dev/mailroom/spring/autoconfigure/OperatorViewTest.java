package dev.mailroom.spring.autoconfigure;

import static dev.mailroom.spring.autoconfigure.ContextRunners.mailroom;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.jdbc.store.OutboxStore;
import dev.mailroom.ledger.CompensationLedger;
import dev.mailroom.ledger.LedgerItem;
import dev.mailroom.ledger.LedgerState;
import dev.mailroom.routing.TableName;
import dev.mailroom.spring.LedgerItemExecutor;
import dev.mailroom.spring.TransactionalOutboxPublisher;
import dev.mailroom.spring.actuate.MailroomEndpoint;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The mailroom Actuator endpoint over MailroomAdmin, and the compensation ledger with executor beans. */
@WithPostgres
class OperatorViewTest {

    private ApplicationContextRunner runner;
    private DataSource dataSource;

    @BeforeEach
    void runner(TestDatabase database) {
        dataSource = database.dataSource();
        runner = mailroom(dataSource).withPropertyValues("mailroom.relay.enabled=false",
                "mailroom.publisher.without-transaction=new-transaction",
                "management.endpoints.web.exposure.include=mailroom");
    }

    @Test
    void theEndpointShowsDeadRowsPreviewsMovesAndChangesNothingUntilWritesAreEnabled() {
        runner.run(context -> {
            UUID dead = deadEvent(context.getBean(TransactionalOutboxPublisher.class), "k-dead");
            MailroomEndpoint endpoint = context.getBean(MailroomEndpoint.class);
            assertThat(endpoint.overview()).containsEntry("writesEnabled", false);
            assertThat(outbox(endpoint)).containsEntry("dead", 1L);

            WebEndpointResponse<Map<String, Object>> page = endpoint.messages("outbox", "orders", "dead", null, null,
                    null, null);
            assertThat(page.getStatus()).isEqualTo(200);
            assertThat((List<?>) page.getBody().get("items")).singleElement()
                    .satisfies(item -> assertThat(((Map<?, ?>) item).get("eventId")).isEqualTo(dead.toString()));

            WebEndpointResponse<Map<String, Object>> preview = endpoint.move("outbox", "orders", "replay", null, null,
                    null, null, false, null, null);
            assertThat(preview.getBody()).containsEntry("executed", false).containsEntry("rows", 1L);
            WebEndpointResponse<Map<String, Object>> refused = endpoint.move("outbox", "orders", "replay", null, null,
                    null, null, true, "ada", "broker fixed");
            assertThat(refused.getStatus()).isEqualTo(403);
            assertThat(refused.getBody()).containsEntry("error", "read_only");
            assertThat(outbox(endpoint)).containsEntry("dead", 1L);

            assertThat(endpoint.messages("inbox", "nobody", null, null, null, null, null).getStatus()).isEqualTo(404);
            assertThat(endpoint.messages("shelf", "orders", null, null, null, null, null).getStatus()).isEqualTo(400);
        });
        runner.withPropertyValues("mailroom.admin.writes-enabled=true").run(context -> {
            MailroomEndpoint endpoint = context.getBean(MailroomEndpoint.class);
            WebEndpointResponse<Map<String, Object>> replayed = endpoint.move("outbox", "orders", "replay", null, null,
                    null, null, true, "ada", "broker fixed");
            assertThat(replayed.getStatus()).isEqualTo(200);
            assertThat(replayed.getBody()).containsEntry("executed", true).containsEntry("rows", 1);
            assertThat(outbox(endpoint)).containsEntry("dead", 0L);
        });
    }

    @Test
    void theLedgerRetriesRecordedItemsWithTheExecutorBeans() throws Exception {
        List<String> executed = new CopyOnWriteArrayList<>();
        LedgerItemExecutor prices = new LedgerItemExecutor() {
            @Override
            public String operationType() {
                return "price.import";
            }

            @Override
            public void execute(LedgerItem item) {
                executed.add(item.payloadJson());
            }
        };
        runner.withPropertyValues("mailroom.ledger.enabled=true", "mailroom.ledger.idle-wait=50ms")
                .withBean(LedgerItemExecutor.class, () -> prices)
                .run(context -> {
                    CompensationLedger ledger = context.getBean(CompensationLedger.class);
                    long id;
                    try (Connection transaction = dataSource.getConnection()) {
                        transaction.setAutoCommit(false);
                        id = ledger.record(transaction, "import-1", "price.import", 0, "{\"sku\":\"A-1\"}", "timeout");
                        transaction.commit();
                    }
                    context.getBean(MailroomLedgerWorker.class).wake();
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> ledger.find(id).orElseThrow().state() == LedgerState.RESOLVED);
                    assertThat(executed).containsExactly("{\"sku\": \"A-1\"}");
                });
    }

    private UUID deadEvent(TransactionalOutboxPublisher publisher, String key) {
        UUID id = publisher.publish("order.placed", key, Map.of("orderId", key));
        OutboxStore store = OutboxStore.create(dataSource, TableName.of("orders_outbox"));
        assertThat(store.markDead(store.find(id).orElseThrow().id(), null, "broker said no")).isTrue();
        return id;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> outbox(MailroomEndpoint endpoint) {
        return ((List<Map<String, Object>>) endpoint.overview().get("mailboxes")).stream()
                .filter(box -> "orders".equals(box.get("name")) && "outbox".equals(box.get("kind"))).findFirst()
                .orElseThrow();
    }
}
