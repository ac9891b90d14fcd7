package dev.mailroom.jdbc.store;

import static dev.mailroom.jdbc.OutboxFixture.ids;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.event.OutboxEvent;
import dev.mailroom.jdbc.OutboxFixture;
import dev.mailroom.testkit.db.TestDatabase;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

abstract class KeyOrderedClaimContract {

    private static final Duration LEASE = Duration.ofMinutes(1);

    private OutboxFixture outbox;
    private OutboxStore store;

    @BeforeEach
    void emptyTable(TestDatabase database) throws SQLException {
        outbox = new OutboxFixture(database);
        store = outbox.store;
        outbox.reset();
    }

    @Test
    void onlyTheOldestUndeliveredRowOfEachKeyIsHandedOutAndKeylessRowsAreNotOrdered() throws Exception {
        outbox.publishKeys("a", "b", "a", null, null, "b");
        assertThat(ids(store.claimInKeyOrder("relay", 10, LEASE))).containsExactly(1L, 2L, 4L, 5L);
        assertThat(store.claimInKeyOrder("relay", 10, LEASE)).as("a and b are in flight").isEmpty();
        store.markPublished("relay", List.of(1L));
        assertThat(ids(store.claimInKeyOrder("relay", 10, LEASE))).containsExactly(3L);
        store.markPublished("relay", List.of(2L));
        assertThat(ids(store.claimInKeyOrder("relay", 10, LEASE))).containsExactly(6L);
    }

    @Test
    void aRowWaitingForItsRetryHoldsBackOnlyItsOwnKey() throws Exception {
        outbox.publishKeys("a", "a", "b");
        List<OutboxRow> first = store.claimInKeyOrder("relay", 10, LEASE);
        store.markFailed("relay", first.get(0), "broker down");
        store.markPublished("relay", List.of(3L));
        outbox.publishKeys("b");
        assertThat(ids(store.claimInKeyOrder("relay", 10, LEASE))).as("row 2 waits for row 1's retry")
                .containsExactly(4L);
    }

    @Test
    void aDeadRowNoLongerHoldsBackItsKey() throws Exception {
        outbox.publishKeys("a", "a");
        store.claimInKeyOrder("relay", 10, LEASE);
        store.markDead(1, "relay", "poison");
        assertThat(ids(store.claimInKeyOrder("relay", 10, LEASE))).containsExactly(2L);
    }

    @Test
    void concurrentClaimersKeepEveryKeyInOrderAndNeverHaveTwoRowsOfAKeyInFlight() throws Exception {
        int keys = 40;
        int rows = 2_000;
        List<OutboxEvent> events = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            events.add(OutboxFixture.event("key-" + (i % keys)));
        }
        outbox.publishCommitted(events);
        Map<String, Long> lastDeliveredPerKey = new ConcurrentHashMap<>();
        Map<String, String> inFlight = new ConcurrentHashMap<>();
        List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<?>> results = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            String owner = "relay-" + t;
            results.add(pool.submit(() -> {
                start.await();
                List<OutboxRow> batch;
                int idle = 0;
                while (idle < 20) {
                    batch = store.claimInKeyOrder(owner, 25, LEASE);
                    if (batch.isEmpty()) {
                        idle++;
                        Thread.onSpinWait();
                        continue;
                    }
                    idle = 0;
                    for (OutboxRow row : batch) {
                        if (inFlight.putIfAbsent(row.key(), owner) != null) {
                            violations.add("two rows of " + row.key() + " in flight");
                        }
                        Long previous = lastDeliveredPerKey.put(row.key(), row.id());
                        if (previous != null && previous > row.id()) {
                            violations.add(row.key() + ": " + row.id() + " after " + previous);
                        }
                    }
                    for (OutboxRow row : batch) {
                        inFlight.remove(row.key());
                    }
                    store.markPublished(owner, ids(batch));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> result : results) {
            result.get(2, TimeUnit.MINUTES);
        }
        pool.shutdown();
        assertThat(violations).isEmpty();
        assertThat(outbox.queryLong("SELECT count(*) FROM orders_outbox WHERE status = 'published'")).isEqualTo(rows);
    }

    @Test
    void aFailingKeyWithALongTailDoesNotStarveKeysBeyondTheClaimWindow() throws Exception {
        List<OutboxEvent> events = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            events.add(OutboxFixture.event("stuck"));
        }
        events.add(OutboxFixture.event("free"));
        outbox.publishCommitted(events);
        OutboxRow head = store.claimInKeyOrder("relay", 10, LEASE).get(0);
        assertThat(head.key()).isEqualTo("stuck");
        store.markFailed("relay", head, "broker down");
        outbox.execute("UPDATE orders_outbox SET next_attempt_at = " + outbox.sql.nowPlus(Duration.ofHours(1)) + " WHERE id = 1");
        assertThat(store.claimInKeyOrder("relay", 10, LEASE)).as("window of 40 rows is all blocked; the rest is searched")
                .extracting(OutboxRow::key).containsExactly("free");
    }

}
