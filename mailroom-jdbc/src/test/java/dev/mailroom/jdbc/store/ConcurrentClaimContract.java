package dev.mailroom.jdbc.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.jdbc.OutboxFixture;
import dev.mailroom.testkit.db.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

abstract class ConcurrentClaimContract {

    private static final int ROWS = 6_000;
    private static final int CLAIMERS = 8;

    private OutboxFixture outbox;

    @BeforeEach
    void emptyTable(TestDatabase database) throws Exception {
        outbox = new OutboxFixture(database);
        outbox.reset();
    }

    @Test
    void eightConcurrentClaimersNeverReceiveTheSameRowAndEveryRowIsClaimedOnce() throws Exception {
        outbox.publishCommitted(ROWS);
        ConcurrentLinkedQueue<Long> claimed = new ConcurrentLinkedQueue<>();
        ConcurrentHashMap<Long, String> owners = new ConcurrentHashMap<>();
        List<String> duplicates = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(CLAIMERS);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < CLAIMERS; i++) {
            String owner = "relay-" + i;
            results.add(pool.submit(() -> {
                start.await();
                int batches = 0;
                List<OutboxRow> batch;
                while (!(batch = outbox.store.claim(owner, 37, Duration.ofMinutes(5))).isEmpty()) {
                    batches++;
                    List<Long> ids = new ArrayList<>();
                    for (OutboxRow row : batch) {
                        String previous = owners.putIfAbsent(row.id(), owner);
                        if (previous != null) {
                            synchronized (duplicates) {
                                duplicates.add(row.id() + " by " + previous + " and " + owner);
                            }
                        }
                        claimed.add(row.id());
                        ids.add(row.id());
                    }
                    assertThat(outbox.store.markPublished(owner, ids)).isEqualTo(ids.size());
                }
                return batches;
            }));
        }
        start.countDown();
        int claimersThatWorked = 0;
        for (Future<Integer> result : results) {
            if (result.get(2, TimeUnit.MINUTES) > 0) {
                claimersThatWorked++;
            }
        }
        pool.shutdown();

        assertThat(duplicates).isEmpty();
        assertThat(claimed).hasSize(ROWS).doesNotHaveDuplicates();
        assertThat(claimersThatWorked).as("the work was shared").isGreaterThan(1);
        assertThat(outbox.queryLong("SELECT count(*) FROM orders_outbox WHERE status = 'published'")).isEqualTo(ROWS);
    }

}
