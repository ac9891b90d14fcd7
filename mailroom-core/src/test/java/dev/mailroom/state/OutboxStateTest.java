package dev.mailroom.state;

import static dev.mailroom.state.OutboxState.CONSUMED;
import static dev.mailroom.state.OutboxState.DEAD;
import static dev.mailroom.state.OutboxState.PENDING;
import static dev.mailroom.state.OutboxState.PUBLISHED;
import static dev.mailroom.state.OutboxState.SENDING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OutboxStateTest {

    @Test
    void consumedAndDeadAreFinalAndNothingLeavesThem() {
        assertThat(CONSUMED.isFinal()).isTrue();
        assertThat(DEAD.isFinal()).isTrue();
        for (OutboxState target : OutboxState.values()) {
            assertThat(CONSUMED.canMoveTo(target)).isFalse();
            assertThat(DEAD.canMoveTo(target)).isFalse();
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
    void databaseValuesRoundTrip() {
        for (OutboxState state : OutboxState.values()) {
            assertThat(OutboxState.fromDbValue(state.dbValue())).isEqualTo(state);
        }
        assertThat(SENDING.dbValue()).isEqualTo("sending");
        assertThatThrownBy(() -> OutboxState.fromDbValue("gone")).isInstanceOf(IllegalArgumentException.class);
    }
}
