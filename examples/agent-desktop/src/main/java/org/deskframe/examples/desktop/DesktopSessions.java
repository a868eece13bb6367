package org.deskframe.examples.desktop;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The desktop's own sign-in sessions, in memory: a random session id (the cookie) maps to the signed-in user and a
 * per-session CSRF token that the page must echo in a header. Sessions end after {@code idle} without use.
 */
final class DesktopSessions {

    record Session(String id, DesktopSettings.DesktopUser user, String csrfToken, Instant lastUsed) {
        @Override
        public String toString() {
            return "Session[user=" + user.name() + "]";
        }
    }

    private final ConcurrentMap<String, Session> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Duration idle;
    private final Clock clock;

    DesktopSessions(Duration idle, Clock clock) {
        this.idle = idle;
        this.clock = clock;
    }

    Session open(DesktopSettings.DesktopUser user) {
        Session s = new Session(randomId(), user, randomId(), clock.instant());
        sessions.put(s.id(), s);
        return s;
    }

    Optional<Session> find(String id) {
        if (id == null) return Optional.empty();
        Session s = sessions.get(id);
        if (s == null) return Optional.empty();
        Instant now = clock.instant();
        if (s.lastUsed().plus(idle).isBefore(now)) {
            sessions.remove(id);
            return Optional.empty();
        }
        Session touched = new Session(s.id(), s.user(), s.csrfToken(), now);
        sessions.put(id, touched);
        return Optional.of(touched);
    }

    void close(String id) {
        if (id != null) sessions.remove(id);
    }

    boolean anyFor(String agent) {
        return sessions.values().stream().anyMatch(s -> s.user().agent().equals(agent));
    }

    private String randomId() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
