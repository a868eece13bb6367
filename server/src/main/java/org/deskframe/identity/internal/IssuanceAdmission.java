package org.deskframe.identity.internal;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.Semaphore;
import org.deskframe.identity.IdentitySettings;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.stereotype.Component;

/**
 * Admission to the CPU work of issuing a group-committed token (client authentication, claims, the RS256 signature):
 * at most {@code issuanceConcurrency} requests at a time, first come first served. With more clients than cores the
 * kernel otherwise time-slices every token against all the others, and the unlucky ones finish far behind the mean
 * (docs/benchmarks.md, "Admission"). A request leaves when it starts waiting for its group commit, so no permit is held
 * across a sync.
 */
@Component
class IssuanceAdmission implements Filter {

    /** The grants whose durable write is {@link IssuanceGroupCommit}'s, so whose requests leave before it. */
    private static final Set<String> GROUP_COMMITTED_GRANTS = Set.of(AuthorizationGrantType.CLIENT_CREDENTIALS.getValue(),
            AuthorizationGrantType.JWT_BEARER.getValue());

    private final Semaphore permits;
    private final ThreadLocal<Boolean> admitted = new ThreadLocal<>();

    IssuanceAdmission(IdentitySettings settings) {
        this.permits = new Semaphore(settings.issuanceConcurrency(), true);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String grantType = request.getParameter("grant_type");
        if (grantType == null || !GROUP_COMMITTED_GRANTS.contains(grantType)) { // Set.of refuses to look up null
            chain.doFilter(request, response);
            return;
        }
        permits.acquireUninterruptibly();
        admitted.set(Boolean.TRUE);
        try {
            chain.doFilter(request, response);
        } finally {
            leave();
        }
    }

    /** Gives back this thread's permit, if it holds one: its request now waits for something other than a core. */
    void leave() {
        if (admitted.get() != null) {
            admitted.remove();
            permits.release();
        }
    }
}
