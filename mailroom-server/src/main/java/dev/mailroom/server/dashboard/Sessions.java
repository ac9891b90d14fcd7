package dev.mailroom.server.dashboard;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard's logged-in operators, in memory: a session is a random id (the cookie), the
 * operator's name (who every write is recorded as) and a CSRF token of its own. A session ends
 * after {@code idleTimeout} without a request, at logout, or when the server stops; at most
 * {@link #MAX_SESSIONS} live at once (the least recently used goes first).
 */
final class Sessions {

    static final int MAX_SESSIONS = 1_000;
    private static final int ID_BYTES = 32;

    /** One logged-in operator. */
    static final class Session {
        private final String id;
        private final String operator;
        private final String csrf;
        private volatile Instant lastSeen;

        private Session(String id, String operator, String csrf, Instant lastSeen) {
            this.id = id;
            this.operator = operator;
            this.csrf = csrf;
            this.lastSeen = lastSeen;
        }

        String id() {
            return id;
        }

        String operator() {
            return operator;
        }

        String csrf() {
            return csrf;
        }

        /** Whether a form's token is this session's, compared in constant time. */
        boolean csrfMatches(String token) {
            return token != null && MessageDigest.isEqual(token.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    csrf.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Duration idleTimeout;
    private final Clock clock;

    Sessions(Duration idleTimeout, Clock clock) {
        this.idleTimeout = idleTimeout;
        this.clock = clock;
    }

    /** A new session for this operator (a new id every login, so an id seen before login is worth nothing). */
    Session create(String operator) {
        Instant now = clock.instant();
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.values().removeIf(session -> expired(session, now));
            while (sessions.size() >= MAX_SESSIONS) {
                sessions.values().stream().min(Comparator.comparing(session -> session.lastSeen))
                        .ifPresent(oldest -> sessions.remove(oldest.id));
            }
        }
        Session session = new Session(randomToken(), operator, randomToken(), now);
        sessions.put(session.id, session);
        return session;
    }

    /** The live session with this id, its idle time restarted; empty when unknown or expired. */
    Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Session session = sessions.get(id);
        Instant now = clock.instant();
        if (session == null) {
            return Optional.empty();
        }
        if (expired(session, now)) {
            sessions.remove(id);
            return Optional.empty();
        }
        session.lastSeen = now;
        return Optional.of(session);
    }

    void end(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    int size() {
        return sessions.size();
    }

    private boolean expired(Session session, Instant now) {
        return session.lastSeen.plus(idleTimeout).isBefore(now);
    }

    private String randomToken() {
        byte[] bytes = new byte[ID_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
