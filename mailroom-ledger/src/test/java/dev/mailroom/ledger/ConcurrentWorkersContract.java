package dev.mailroom.ledger;

import static dev.mailroom.ledger.LedgerFixture.FAST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

abstract class ConcurrentWorkersContract extends EmptyLedgerContract {

    private static final int ITEMS = 1000;

    @Test
    void twoWorkersNeverRunTheSameItemAtOnceAndEveryItemEndsResolvedOrManual() throws Exception {
        Set<Long> inProgress = ConcurrentHashMap.newKeySet();
        List<String> overlaps = Collections.synchronizedList(new ArrayList<>());
        Set<String> threads = ConcurrentHashMap.newKeySet();
        CompensationLedger ledger = fixture.ledger().batchSize(20).executor("settle", fixture.counting(item -> {
            threads.add(Thread.currentThread().getName());
            if (!inProgress.add(item.id())) {
                overlaps.add("item " + item.id() + " ran on two workers at once");
            }
            try {
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));   // work, widening the window an overlap would show in
                if (item.itemIndex() % 10 == 0) {
                    throw new IllegalStateException("invoice locked");
                }
            } finally {
                inProgress.remove(item.id());
            }
        })).build();
        List<Long> ids = fixture.record(ledger, "settlement", "settle", ITEMS);

        try (LedgerWorker first = ledger.startWorker("worker-a"); LedgerWorker second = ledger.startWorker("worker-b")) {
            assertThat(first.isRunning()).isTrue();
            assertThat(second.isRunning()).isTrue();
            await().atMost(Duration.ofMinutes(1)).until(() -> fixture.count("SELECT count(*) FROM mailroom_ledger"
                    + " WHERE status IN ('resolved', 'manual_required') AND lease_owner IS NULL") == ITEMS);
        }

        assertThat(overlaps).isEmpty();
        assertThat(threads).containsExactlyInAnyOrder("mailroom-ledger-worker-a", "mailroom-ledger-worker-b");
        for (int i = 0; i < ids.size(); i++) {
            assertThat(fixture.runsOf(ids.get(i))).as("runs of item %d", i).isEqualTo(i % 10 == 0 ? FAST.maxAttempts() : 1);
        }
        assertThat(fixture.count("SELECT count(*) FROM mailroom_ledger WHERE status = 'manual_required'"
                + " AND attempts = " + FAST.maxAttempts())).isEqualTo(ITEMS / 10);
        assertThat(fixture.count("SELECT count(*) FROM mailroom_ledger WHERE status = 'resolved' AND attempts = 0"))
                .isEqualTo(ITEMS - ITEMS / 10);
        assertThat(fixture.count("SELECT count(*) FROM (SELECT item_id FROM mailroom_ledger_audit GROUP BY item_id"
                + " HAVING count(*) <> max(version) + 1 OR count(DISTINCT version) <> count(*)) gaps"))
                .as("every item's audit trail has one row per version, none missing or repeated").isZero();
    }
}
