package dev.mailroom.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.relay.ClaimMode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Scenario b: a LEASE relay SIGSTOPped while it holds leases, past them, while a second relay takes
 * its rows over and delivers everything; then SIGCONTed. Its late sends may duplicate records on the
 * topic, but its late settlements are fenced on the lease owner: no row changes. The same for a
 * PARTITION_LEASE relay stopped with a batch in flight: the second relay takes its partitions once their
 * leases expire and delivers everything, in key order; the woken relay's stale sends are duplicates.
 * (Its rows are published by then, so "no row changes" holds whatever it does; the fence on the
 * partitions' epochs is shown by {@code PartitionLeasePostgresTest} in mailroom-relay.)
 */
class RelayPausedPastLeaseTest extends FaultScenario {

    private static final Duration LEASE = Duration.ofSeconds(3);

    @Test
    void aRelayPausedPastItsLeaseChangesNothingWhenItWakes() throws Exception {
        OutboxRows rows = new OutboxRows(database);
        EventProducer producer = producer(standardPlan());
        ChildJvm paused = relay("paused-relay", ClaimMode.LEASE, LEASE);
        await("the relay stopped while it holds leases").atMost(Duration.ofSeconds(60)).until(() -> {
            paused.signal("STOP");
            if (rows.leasedTo("paused-relay") > 0) {
                return true;
            }
            paused.signal("CONT");
            return false;
        });
        fault("SIGSTOP of a LEASE relay holding leases");
        long held = rows.leasedTo("paused-relay");
        relay("taking-over-relay", ClaimMode.LEASE, LEASE);
        faultsEnded();
        producer.awaitDone();
        awaitEveryCommittedEventDelivered(LEASE.plusSeconds(60));
        assertThat(paused.state()).as("the paused relay is still stopped").isEqualTo('T');
        assertThat(rows.leasedTo("paused-relay")).as("none of its leases survived").isZero();
        wakeAndSeeNothingChange(paused, rows);

        FaultReport report = finish("b. LEASE relay SIGSTOPped past its lease holding " + held + " rows, then SIGCONTed");
        assertSafeAndLive(report, LEASE.plusSeconds(10));
    }

    @Test
    void aPartitionLeasedRelayPausedPastItsLeasesChangesNothingWhenItWakes() throws Exception {
        OutboxRows rows = new OutboxRows(database);
        EventProducer producer = producer(standardPlan());
        ChildJvm paused = relay("paused-relay", ClaimMode.PARTITION_LEASE, LEASE);
        String claims = "SELECT count(*) FROM " + FaultRoutes.TABLE + "_partition_claims";
        await("the relay stopped with a batch in flight").atMost(Duration.ofSeconds(60)).until(() -> {
            paused.signal("STOP");
            if (rows.queryLong(claims) > 0) {
                return true;
            }
            paused.signal("CONT");
            return false;
        });
        fault("SIGSTOP of a PARTITION_LEASE relay with a batch in flight");
        relay("taking-over-relay", ClaimMode.PARTITION_LEASE, LEASE);
        faultsEnded();
        producer.awaitDone();
        awaitEveryCommittedEventDelivered(LEASE.plusSeconds(60));
        assertThat(paused.state()).as("the paused relay is still stopped").isEqualTo('T');
        assertThat(rows.queryLong("SELECT count(*) FROM " + FaultRoutes.TABLE + "_partitions WHERE owner = 'paused-relay'"
                + " AND expires_at > now()")).as("none of its partition leases survived").isZero();
        wakeAndSeeNothingChange(paused, rows);

        FaultReport report = finish("b. PARTITION_LEASE relay SIGSTOPped past its leases with a batch in flight,"
                + " then SIGCONTed");
        assertSafeAndLive(report, LEASE.plusSeconds(10));
    }

    /** SIGCONTs the paused relay: for 4 s after, no row changes, and the relay runs on. */
    private void wakeAndSeeNothingChange(ChildJvm paused, OutboxRows rows) throws Exception {
        Map<Long, String> settled = rows.states();
        paused.signal("CONT");
        fault("SIGCONT of the paused relay");
        await("rows unchanged for 4 s after the paused relay woke").during(Duration.ofSeconds(4))
                .atMost(Duration.ofSeconds(6)).until(() -> rows.states().equals(settled));
        assertThat(paused.isAlive()).as("the woken relay runs on").isTrue();
    }
}
