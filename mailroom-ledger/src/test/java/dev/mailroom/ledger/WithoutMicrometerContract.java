package dev.mailroom.ledger;

import static dev.mailroom.ledger.LedgerFixture.AWAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runs in its own surefire execution with Micrometer removed from the classpath: the ledger must
 * work, counters and all, without it. The module's pom names these tests as that execution's only
 * ones and keeps them out of the default execution by file name and by this tag, so that a
 * {@code -Dtest} filter neither runs them with Micrometer present nor brings tests needing it in.
 */
@Tag(WithoutMicrometerContract.TAG)
abstract class WithoutMicrometerContract extends EmptyLedgerContract {

    static final String TAG = "without-micrometer";

    @Test
    void theLedgerWorksWithoutMicrometerOnTheClasspath() throws Exception {
        assertThatThrownBy(() -> Class.forName("io.micrometer.core.instrument.MeterRegistry"))
                .isInstanceOf(ClassNotFoundException.class);

        CompensationLedger ledger = fixture.ledger().executor("settle", item -> { })
                .executor("refund", LedgerFixture.failing("bank offline")).build();
        long settle = fixture.record(ledger, "b", "settle", 1).get(0);
        long refund = fixture.record(ledger, "b", "refund", 1).get(0);
        try (LedgerWorker worker = ledger.startWorker("worker-1")) {
            assertThat(worker.isRunning()).isTrue();
            await().atMost(AWAIT).until(() -> fixture.find(ledger, settle).state() == LedgerState.RESOLVED
                    && fixture.find(ledger, refund).state() == LedgerState.MANUAL_REQUIRED);
        }
        assertThat(ledger.abandon(refund, fixture.find(ledger, refund).version(), "olga", "customer left"))
                .isEqualTo(LedgerState.ABANDONED);
    }
}
