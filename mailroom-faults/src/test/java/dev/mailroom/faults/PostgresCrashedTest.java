package dev.mailroom.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.relay.ClaimMode;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.TestDatabases;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Scenario i: PostgreSQL stopped hard ({@code -m immediate}: a crash, recovered from the WAL) for a
 * few seconds while a relay drains a backlog, then started again. The relay commits its bookkeeping
 * asynchronously (the default), so the crash may forget settlements: redelivery, never loss.
 * Scenario k: the same crash while Mailroom's inbox consumer applies the events: every effect
 * applied once, none lost with the inbox writes or the worker's transactions the crash cut short.
 * Both run on a cluster of their own ({@link ScratchPostgres}), only with {@code -Dfaults=full}
 * (tag {@value #TAG}, excluded from the default run).
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

    @Test
    void aDatabaseCrashWhileAnInboxConsumerAppliesEventsLosesNoEffectAndDoublesNone() throws Exception {
        FaultEffects.createTable(database);
        producer(new EventProducer.Plan(Scale.events(), Scale.keys(), 1_000_000, 0.05, 0)).awaitDone();
        relay("relay", ClaimMode.ROW_LOCK, LEASE);
        inboxConsumer("inbox-consumer-through-database-crash", ConsumerPoint.NONE);
        long due = history.produced().stream().filter(Produced::committed).count();
        Awaitility.await("a quarter of the events applied").atMost(Duration.ofSeconds(60 + Scale.events() / 1_000))
                .pollInterval(Duration.ofMillis(100)).until(() -> FaultEffects.distinctEvents(database) >= due / 4);
        long appliedBefore = FaultEffects.distinctEvents(database);
        outage("PostgreSQL crash (stop -m immediate) during consumption", cluster::crash, OUTAGE, cluster::start);
        faultsEnded();
        long restarted = System.currentTimeMillis();
        awaitEveryCommittedEventDelivered(LEASE.plusSeconds(90));
        awaitEveryEffectApplied(Duration.ofSeconds(90));
        long allApplied = System.currentTimeMillis() - restarted;
        history.effects(FaultEffects.read(database));

        FaultReport report = finish("k. PostgreSQL crashed for " + OUTAGE.toSeconds() + " s while the inbox consumer"
                + " applied events, " + appliedBefore + " of " + due + " applied before, all " + allApplied
                + " ms after the restart");
        assertThat(appliedBefore).as("events applied before the crash: consumption was under way").isLessThan(due);
        assertThat(report.effectsChecked()).isTrue();
        assertThat(report.missingEffects()).isZero();
        assertThat(report.doubleEffects()).isZero();
        assertSafeAndLive(report, LEASE.plusSeconds(30));
    }
}
