package dev.mailroom.ledger;

import static dev.mailroom.ledger.LedgerFixture.AWAIT;
import static dev.mailroom.ledger.LedgerFixture.FAST;
import static dev.mailroom.ledger.LedgerFixture.failing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.retry.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

abstract class WorkerRetriesContract extends EmptyLedgerContract {

    @Test
    void anItemFailingEveryTimeNeedsAnOperatorAfterExactlyMaxAttemptsAndIsNeverRunAgain() throws Exception {
        CompensationLedger ledger = fixture.ledger()
                .executor("price.import", fixture.counting(failing("supplier down")))
                .executor("sentinel", fixture.counting(item -> { }))
                .build();
        long id = fixture.record(ledger, "b1", "price.import", 1).get(0);
        try (LedgerWorker worker = ledger.startWorker("worker-1")) {
            await().atMost(AWAIT).until(() -> fixture.find(ledger, id).state() == LedgerState.MANUAL_REQUIRED);
            // A later item resolved proves the worker made further passes; none of them ran the manual item.
            long sentinel = fixture.record(ledger, "b1", "sentinel", 1).get(0);
            worker.wake();
            await().atMost(AWAIT).until(() -> fixture.find(ledger, sentinel).state() == LedgerState.RESOLVED);
        }
        LedgerItem item = fixture.find(ledger, id);
        assertThat(fixture.runsOf(id)).isEqualTo(FAST.maxAttempts());
        assertThat(item.attempts()).isEqualTo(FAST.maxAttempts());
        assertThat(item.failureReason()).startsWith("first failure of 0")
                .contains("attempt 1 (worker-1): java.lang.IllegalStateException: supplier down")
                .contains("attempt 3 (worker-1)");
        assertThat(item.leaseOwner()).isNull();
        assertThat(ledger.auditTrail(id)).extracting(AuditEntry::to).containsExactly(LedgerState.PENDING,
                LedgerState.RETRYING, LedgerState.RETRYING, LedgerState.MANUAL_REQUIRED);
        assertThat(ledger.auditTrail(id)).extracting(AuditEntry::version).containsExactly(0L, 1L, 2L, 3L);
    }

    @Test
    void anItemWithNoExecutorNeedsAnOperatorAtOnceWithoutAnAttempt() throws Exception {
        CompensationLedger ledger = fixture.ledger().build();
        long id = fixture.record(ledger, "b2", "nobody.handles.this", 1).get(0);
        try (LedgerWorker worker = ledger.startWorker("worker-1")) {
            assertThat(worker.isRunning()).isTrue();
            await().atMost(AWAIT).until(() -> fixture.find(ledger, id).state() == LedgerState.MANUAL_REQUIRED);
        }
        LedgerItem item = fixture.find(ledger, id);
        assertThat(item.attempts()).isZero();
        assertThat(item.failureReason()).endsWith("no executor registered for operation type 'nobody.handles.this'");
        assertThat(ledger.auditTrail(id)).last().satisfies(entry -> {
            assertThat(entry.actor()).isEqualTo("system");
            assertThat(entry.notes()).contains("no executor registered");
        });
    }

    @Test
    void aFailedAttemptIsPersistedWithItsBackoffAndNotRunBeforeItIsDue() throws Exception {
        RetryPolicy slow = RetryPolicy.builder().initialDelay(Duration.ofMinutes(10))
                .maxDelay(Duration.ofMinutes(10)).maxAttempts(5).build();
        CompensationLedger ledger = fixture.ledger().retryPolicy(slow)
                .executor("refund", fixture.counting(failing("bank offline")))
                .executor("sentinel", fixture.counting(item -> { }))
                .build();
        long id = fixture.record(ledger, "b3", "refund", 1).get(0);
        Instant before = Instant.now();
        assertThat(ledger.processBatch("b3").stillRetrying()).isEqualTo(1);

        LedgerItem item = fixture.find(ledger, id);
        assertThat(item.state()).isEqualTo(LedgerState.RETRYING);
        assertThat(item.attempts()).isEqualTo(1);
        assertThat(item.nextAttemptAt()).isAfter(before.plus(Duration.ofMinutes(9)));
        assertThat(item.version()).isEqualTo(1);

        long sentinel = fixture.record(ledger, "b3", "sentinel", 1).get(0);
        try (LedgerWorker worker = ledger.startWorker("worker-1")) {
            assertThat(worker.isRunning()).isTrue();
            await().atMost(AWAIT).until(() -> fixture.find(ledger, sentinel).state() == LedgerState.RESOLVED);
        }
        assertThat(fixture.runsOf(id)).as("not due for ten minutes").isEqualTo(1);
        assertThat(fixture.find(ledger, id).attempts()).isEqualTo(1);
    }

    @Test
    void aSucceedingExecutorResolvesTheItemAsTheSystemWithANote() throws Exception {
        CompensationLedger ledger = fixture.ledger().executor("settle", fixture.counting(item -> { })).build();
        long id = fixture.record(ledger, "b4", "settle", 1).get(0);
        try (LedgerWorker worker = ledger.startWorker("worker-1")) {
            assertThat(worker.isRunning()).isTrue();
            await().atMost(AWAIT).until(() -> fixture.find(ledger, id).state() == LedgerState.RESOLVED);
        }
        LedgerItem item = fixture.find(ledger, id);
        assertThat(item.resolvedBy()).isEqualTo("system");
        assertThat(item.resolutionNotes()).isEqualTo("resolved by the settle executor on attempt 1 (worker-1)");
        assertThat(item.resolvedAt()).isNotNull();
        assertThat(item.attempts()).isZero();
        assertThat(fixture.runsOf(id)).isEqualTo(1);
    }
}
