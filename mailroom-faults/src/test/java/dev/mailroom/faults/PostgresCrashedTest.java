package dev.mailroom.faults;

import dev.mailroom.relay.ClaimMode;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.TestDatabases;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Scenario i: PostgreSQL stopped hard ({@code -m immediate}: a crash, recovered from the WAL) for a
 * few seconds while a relay drains a backlog, then started again. The relay commits its bookkeeping
 * asynchronously (the default), so the crash may forget settlements: redelivery, never loss. Runs on
 * a cluster of its own ({@link ScratchPostgres}), only with {@code -Dfaults=full} (tag
 * {@value #TAG}, excluded from the default run).
 */
@Tag(PostgresCrashedTest.TAG)
class PostgresCrashedTest extends FaultScenario {

    static final String TAG = "postgres-crash";
    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final Duration OUTAGE = Duration.ofSeconds(3);

    private ScratchPostgres cluster;

    @Override
    TestDatabase openDatabase() {
        cluster = ScratchPostgres.running();
        return TestDatabases.freshPostgresSchema(cluster.settings(), getClass().getSimpleName());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ClaimMode.class)
    void aDatabaseCrashDuringADrainLosesNothingAndKeepsEveryKeysOrder(ClaimMode mode) throws Exception {
        producer(new EventProducer.Plan(Scale.events(), Scale.keys(), 1_000_000, 0.05, 0)).awaitDone();
        relay("relay-through-database-crash", mode, LEASE);
        Pacing.between(random, Duration.ofMillis(300), Duration.ofMillis(1000));
        outage("PostgreSQL crash (stop -m immediate)", cluster::crash, OUTAGE, cluster::start);
        faultsEnded();
        awaitEveryCommittedEventDelivered(LEASE.plusSeconds(90));

        FaultReport report = finish("i. PostgreSQL crashed for " + OUTAGE.toSeconds() + " s during a drain of "
                + Scale.events() + ", " + mode);
        assertSafeAndLive(report, LEASE.plusSeconds(30));
    }
}
