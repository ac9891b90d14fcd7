package dev.mailroom.state;

import static dev.mailroom.state.OutboxState.CONSUMED;
import static dev.mailroom.state.OutboxState.DEAD;
import static dev.mailroom.state.OutboxState.DISCARDED;
import static dev.mailroom.state.OutboxState.PENDING;
import static dev.mailroom.state.OutboxState.PUBLISHED;
import static dev.mailroom.state.OutboxState.SENDING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OutboxStateTest {

    @Test
    void consumedDeadAndDiscardedAreFinalAndNothingAutomaticLeavesThem() {
        assertThat(CONSUMED.isFinal()).isTrue();
        assertThat(DEAD.isFinal()).isTrue();
        assertThat(DISCARDED.isFinal()).isTrue();
        for (OutboxState target : OutboxState.values()) {
            assertThat(CONSUMED.canMoveTo(target)).isFalse();
            assertThat(DEAD.canMoveTo(target)).isFalse();
            assertThat(DISCARDED.canMoveTo(target)).isFalse();
            assertThat(target.canMoveTo(DISCARDED)).as("only an operator discards").isFalse();
        }
        assertThat(PENDING.isFinal()).isFalse();
        assertThat(PUBLISHED.isFinal()).isFalse();
    }

    @Test
    void theRelayPathIsAllowed() {
        assertThat(PENDING.canMoveTo(SENDING)).isTrue();
        assertThat(SENDING.canMoveTo(PUBLISHED)).isTrue();
        assertThat(SENDING.canMoveTo(PENDING)).isTrue();
        assertThat(PUBLISHED.canMoveTo(CONSUMED)).isTrue();
        assertThat(PUBLISHED.canMoveTo(PENDING)).isFalse();
        assertThat(PENDING.canMoveTo(PUBLISHED)).as("a row-locked claim publishes a pending row").isTrue();
    }

    @Test
    void sourcesAreDerivedFromTheTransitions() {
        assertThat(OutboxState.sourcesOf(PUBLISHED)).containsExactlyInAnyOrder(PENDING, SENDING);
        assertThat(OutboxState.sourcesOf(DEAD)).containsExactlyInAnyOrder(PENDING, SENDING);
        assertThat(OutboxState.sourcesOf(CONSUMED)).containsExactlyInAnyOrder(PENDING, SENDING, PUBLISHED);
    }

    @Test
    void onlyAnOperatorMovesADeadRowAndOnlyToPendingOrDiscarded() {
        assertThat(DEAD.canOperatorMoveTo(PENDING)).as("replay").isTrue();
        assertThat(DEAD.canOperatorMoveTo(DISCARDED)).as("discard").isTrue();
        assertThat(OutboxState.operatorSourcesOf(PENDING)).containsExactly(DEAD);
        assertThat(OutboxState.operatorSourcesOf(DISCARDED)).containsExactly(DEAD);
        for (OutboxState from : OutboxState.values()) {
            for (OutboxState to : OutboxState.values()) {
                if (from != DEAD) {
                    assertThat(from.canOperatorMoveTo(to)).as("%s -> %s", from, to).isFalse();
                }
            }
        }
        assertThat(OutboxState.sourcesOf(PENDING)).as("replay is not an automatic move").doesNotContain(DEAD);
    }

    @Test
    void everyDatabaseValueFitsTheMariaDbColumn() {
        for (OutboxState state : OutboxState.values()) {
            assertThat(state.dbValue()).hasSizeLessThanOrEqualTo(9);
        }
    }

    @Test
    void databaseValuesRoundTrip() {
        for (OutboxState state : OutboxState.values()) {
            assertThat(OutboxState.fromDbValue(state.dbValue())).isEqualTo(state);
        }
        assertThat(SENDING.dbValue()).isEqualTo("sending");
        assertThatThrownBy(() -> OutboxState.fromDbValue("gone")).isInstanceOf(IllegalArgumentException.class);
    }
}
