package dev.mailroom.ledger;

import static dev.mailroom.ledger.LedgerFixture.AWAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mailroom.testkit.db.TestDatabase;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runs in its own surefire execution with Micrometer removed from the classpath (see the module's
 * pom, which picks these tests by file name and by the tag, so a {@code -Dtest} filter does not run
 * them with Micrometer present): the ledger must work, counters and all, without it.
 */
@Tag(WithoutMicrometerContract.TAG)
abstract class WithoutMicrometerContract {

    static final String TAG = "without-micrometer";

    private LedgerFixture fixture;

    @BeforeEach
    void emptyLedger(TestDatabase database) throws SQLException {
        fixture = new LedgerFixture(database);
        fixture.reset();
    }

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
