package dev.mailroom.ledger;

import static dev.mailroom.ledger.LedgerFixture.AWAIT;
import static dev.mailroom.ledger.LedgerFixture.failing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

abstract class LedgerMetricsContract extends EmptyLedgerContract {

    @Test
    void movesAreCountedPerOperationType() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CompensationLedger ledger = fixture.ledger().meterRegistry(meters)
                .executor("refund", failing("bank offline"))
                .executor("settle", item -> { })
                .build();
        long refund = fixture.record(ledger, "b", "refund", 1).get(0);
        long settle = fixture.record(ledger, "b", "settle", 2).get(0);
        long lost = fixture.record(ledger, "lost", "settle", 1).get(0);
        fixture.store.claimDue("killed-worker", Duration.ofMillis(1), 10);   // claims every item, never finishes
        try (LedgerWorker worker = ledger.startWorker("worker-1")) {
            assertThat(worker.isRunning()).isTrue();
            await().atMost(AWAIT).until(() -> fixture.find(ledger, refund).state() == LedgerState.MANUAL_REQUIRED
                    && fixture.find(ledger, settle).state() == LedgerState.RESOLVED
                    && fixture.find(ledger, lost).state() == LedgerState.RESOLVED);
        }
        ledger.abandon(refund, fixture.find(ledger, refund).version(), "olga", "customer left");

        // A lost lease counts as a failed run: refund lost one run, failed once more (retried twice) and
        // needed an operator on its third attempt; each settle item lost one run, then resolved.
        assertThat(count(meters, "mailroom.ledger.retried", "refund")).isEqualTo(2);
        assertThat(count(meters, "mailroom.ledger.manual", "refund")).isEqualTo(1);
        assertThat(count(meters, "mailroom.ledger.abandoned", "refund")).isEqualTo(1);
        assertThat(count(meters, "mailroom.ledger.retried", "settle")).isEqualTo(3);
        assertThat(count(meters, "mailroom.ledger.resolved", "settle")).isEqualTo(3);
        assertThat(meters.find("mailroom.ledger.resolved").tag("operation.type", "refund").counter()).isNull();
    }

    private static double count(SimpleMeterRegistry meters, String name, String operationType) {
        return meters.get(name).tag(MicrometerLedgerMetrics.TAG, operationType).counter().count();
    }
}
