package dev.mailroom.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void defaultScheduleDoublesFromOneSecondAndCapsAtThirtyTwo() {
        RetryPolicy policy = RetryPolicy.defaults();
        long[] expectedSeconds = {1, 2, 4, 8, 16, 32, 32, 32};
        for (int attempt = 1; attempt <= expectedSeconds.length; attempt++) {
            assertThat(policy.delayAfter(attempt)).as("after attempt " + attempt)
                    .isEqualTo(Duration.ofSeconds(expectedSeconds[attempt - 1]));
        }
        assertThat(policy.delayAfter(1000)).isEqualTo(Duration.ofSeconds(32));
        assertThat(policy.maxAttempts()).isEqualTo(20);
    }

    @Test
    void jitterTakesAtMostItsFractionOff() {
        RetryPolicy policy = RetryPolicy.builder().jitter(0.5).random(() -> 0.999999).build();
        assertThat(policy.delayAfter(3).toMillis()).isBetween(2000L, 2001L);
        RetryPolicy none = RetryPolicy.builder().jitter(0.5).random(() -> 0.0).build();
        assertThat(none.delayAfter(3)).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void exhaustedAtMaxAttempts() {
        assertThat(RetryPolicy.isExhausted(19, 20)).isFalse();
        assertThat(RetryPolicy.isExhausted(20, 20)).isTrue();
    }

    @Test
    void invalidSettingsAreNamedWithTheirRange() {
        assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0).build()).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> RetryPolicy.builder().jitter(2).build()).hasMessageContaining("jitter");
        assertThatThrownBy(() -> RetryPolicy.builder().maxDelay(Duration.ofMillis(10)).build())
                .hasMessageContaining("maxDelay");
        assertThatThrownBy(() -> RetryPolicy.builder().initialDelay(Duration.ZERO).build())
                .hasMessageContaining("initialDelay");
        assertThatThrownBy(() -> RetryPolicy.defaults().delayAfter(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
