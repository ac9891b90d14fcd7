package dev.mailroom.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class HistoryCheckerTest {

    private final History history = new History();
    private final List<Produced> events = new ArrayList<>();
    private long offset;

    private Produced commit(String key, long sequence) {
        Produced event = Produced.committed(UUID.randomUUID(), key, sequence);
        history.produced(event);
        events.add(event);
        return event;
    }

    private void read(Produced event, long atMillis) {
        history.delivered(new Delivered(event.id(), event.key(), event.sequence(), 0, offset++, atMillis));
    }

    private FaultReport check() {
        return HistoryChecker.check("synthetic", history);
    }

    @Test
    void aCleanHistoryIsSafeWithNothingToReport() {
        Produced a1 = commit("a", 1);
        Produced b1 = commit("b", 1);
        Produced a2 = commit("a", 2);
        read(a1, 10);
        read(b1, 11);
        read(a2, 12);
        history.effects(List.of(a1.id(), b1.id(), a2.id()));

        FaultReport report = check();

        assertThat(report.safe()).isTrue();
        assertThat(report.committed()).isEqualTo(3);
        assertThat(report.records()).isEqualTo(3);
        assertThat(report.duplicates()).isZero();
        assertThat(report.effectsChecked()).isTrue();
    }

    @Test
    void aCommittedEventNeverReadIsLostAndRecoveryIsNever() {
        Produced a1 = commit("a", 1);
        Produced a2 = commit("a", 2);
        read(a1, 10);
        history.faultsEnded(5);

        FaultReport report = check();

        assertThat(report.lost()).isEqualTo(1);
        assertThat(report.lostSample()).containsExactly(a2.id());
        assertThat(report.recoveryMillis()).isEqualTo(-1);
        assertThat(report.safe()).isFalse();
    }

    @Test
    void aRolledBackEventReadIsAnAbortedRead() {
        Produced a1 = commit("a", 1);
        Produced ghost = Produced.rolledBack(UUID.randomUUID(), "a", 2);
        history.produced(ghost);
        read(a1, 10);
        read(ghost, 11);

        FaultReport report = check();

        assertThat(report.abortedReads()).isEqualTo(1);
        assertThat(report.rolledBack()).isEqualTo(1);
        assertThat(report.safe()).isFalse();
    }

    @Test
    void aLaterEventOfAKeyReadBeforeAnEarlierOneIsAnInversionButOtherKeysInterleaveFreely() {
        Produced a1 = commit("a", 1);
        Produced a2 = commit("a", 2);
        Produced b1 = commit("b", 1);
        read(b1, 9);
        read(a2, 10);
        read(a1, 11);

        FaultReport report = check();

        assertThat(report.inversions()).isEqualTo(1);
        assertThat(report.inversionSample()).singleElement().asString().startsWith("a: 1 after 2");
        assertThat(report.safe()).isFalse();
    }

    @Test
    void duplicatesAreCountedWithTheLastFaultBeforeThemAsCauseAndAreNotUnsafe() {
        Produced a1 = commit("a", 1);
        Produced a2 = commit("a", 2);
        read(a1, 10);
        history.fault(15, "SIGKILL relay");
        read(a1, 20);
        read(a2, 21);
        read(a1, 22);
        history.faultsEnded(18);

        FaultReport report = check();

        assertThat(report.duplicates()).isEqualTo(2);
        assertThat(report.duplicateCauses()).containsEntry("resent after SIGKILL relay", 2L);
        assertThat(report.staleRedeliveries()).as("a1 again after a2").isEqualTo(1);
        assertThat(report.inversions()).isZero();
        assertThat(report.recoveryMillis()).isEqualTo(3);
        assertThat(report.safe()).isTrue();
    }

    @Test
    void recoveryCountsOnlyTheEventsCommittedBeforeTheLastFaultEnded() {
        Produced before = commit("a", 1);
        history.faultsEnded(100);
        Produced after = commit("a", 2);
        read(before, 130);
        read(after, 900);

        assertThat(check().recoveryMillis()).isEqualTo(30);
    }

    @Test
    void anEventAppliedTwiceIsADoubleEffectAndOneNeverAppliedIsAMissingEffect() {
        Produced a1 = commit("a", 1);
        Produced a2 = commit("a", 2);
        read(a1, 1);
        read(a2, 2);
        history.effects(List.of(a1.id(), a1.id()));

        FaultReport report = check();

        assertThat(report.doubleEffects()).isEqualTo(1);
        assertThat(report.missingEffects()).isEqualTo(1);
        assertThat(report.safe()).isFalse();
    }

    @Test
    void poisonMustBeDeliveredButNeverApplied() {
        Produced a1 = commit("a", 1);
        Produced poison = new Produced(UUID.randomUUID(), "a", 2, true, true);
        history.produced(poison);
        read(a1, 1);
        read(poison, 2);
        history.effects(List.of(a1.id()));
        assertThat(check().safe()).isTrue();

        history.effects(List.of(a1.id(), poison.id()));
        assertThat(check().poisonApplied()).isEqualTo(1);
        assertThat(check().safe()).isFalse();
    }

    @Test
    void aRecordOfAnEventNobodyProducedIsUnexpected() {
        read(Produced.committed(UUID.randomUUID(), "z", 1), 1);

        assertThat(check().unexpected()).isEqualTo(1);
        assertThat(check().safe()).isFalse();
    }
}
