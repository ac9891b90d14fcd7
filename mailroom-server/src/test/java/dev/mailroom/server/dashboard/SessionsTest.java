package dev.mailroom.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SessionsTest {

    private final SteppingClock clock = new SteppingClock();
    private final Sessions sessions = new Sessions(Duration.ofMinutes(30), clock);

    @Test
    void aSessionLivesWhileUsedAndEndsAfterTheIdleTimeout() {
        Sessions.Session session = sessions.create("ada");
        clock.advance(Duration.ofMinutes(29));
        assertThat(sessions.find(session.id())).as("used within the timeout").isPresent();
        clock.advance(Duration.ofMinutes(29));
        assertThat(sessions.find(session.id())).as("the last use restarted the idle time").isPresent();
        clock.advance(Duration.ofMinutes(31));
        assertThat(sessions.find(session.id())).isEmpty();
        assertThat(sessions.size()).as("an expired session is removed when seen").isZero();
    }

    @Test
    void everyLoginGetsItsOwnUnguessableIdAndCsrfToken() {
        Sessions.Session first = sessions.create("ada");
        Sessions.Session second = sessions.create("ada");
        assertThat(first.id()).isNotEqualTo(second.id()).hasSize(43);
        assertThat(first.csrf()).isNotEqualTo(second.csrf()).isNotEqualTo(first.id()).hasSize(43);
        assertThat(first.csrfMatches(first.csrf())).isTrue();
        assertThat(first.csrfMatches(second.csrf())).isFalse();
        assertThat(first.csrfMatches(null)).isFalse();
        assertThat(first.csrfMatches("")).isFalse();
    }

    @Test
    void loggingOutEndsTheSessionAndUnknownIdsFindNothing() {
        Sessions.Session session = sessions.create("ada");
        sessions.end(session.id());
        assertThat(sessions.find(session.id())).isEmpty();
        assertThat(sessions.find(null)).isEmpty();
        assertThat(sessions.find("forged")).isEmpty();
    }

    @Test
    void theLeastRecentlyUsedSessionGoesWhenTheStoreIsFull() {
        Sessions.Session oldest = sessions.create("first");
        clock.advance(Duration.ofSeconds(1));
        Sessions.Session kept = sessions.create("second");
        for (int i = 2; i < Sessions.MAX_SESSIONS; i++) {
            sessions.create("operator-" + i);
        }
        clock.advance(Duration.ofSeconds(1));
        sessions.find(kept.id());
        sessions.create("one more");
        assertThat(sessions.size()).isEqualTo(Sessions.MAX_SESSIONS);
        assertThat(sessions.find(oldest.id())).isEmpty();
        assertThat(sessions.find(kept.id())).isPresent();
    }
}
