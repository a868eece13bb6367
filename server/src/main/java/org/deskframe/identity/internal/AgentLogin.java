package org.deskframe.identity.internal;

import java.util.List;
import java.util.Map;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.Problem;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Agent sign-in for the authorization-code flow: username and password checked by Spring's provider, with the
 * per-account throttle in front (the throttled message is the catalogue's {@code auth.throttled}).
 */
class AgentLogin implements AuthenticationProvider {

    private final DaoAuthenticationProvider passwords;
    private final FailureThrottle throttle;

    AgentLogin(JdbcAgentDirectory agents, PasswordEncoder encoder, FailureThrottle throttle) {
        UserDetailsService users = username -> {
            var agent = agents.findByUsername(username).orElseThrow(() -> new UsernameNotFoundException("unknown agent"));
            String hash = agents.passwordHash(username).orElse(null);
            if (hash == null) throw new UsernameNotFoundException("agent has no password");
            return User.withUsername(agent.username()).password(hash).disabled(!agent.enabled())
                    .authorities(List.of(new SimpleGrantedAuthority("ROLE_AGENT"))).build();
        };
        this.passwords = new DaoAuthenticationProvider(users);
        this.passwords.setPasswordEncoder(encoder);
        this.throttle = throttle;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return passwords.supports(authentication);
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        String key = "agent:" + authentication.getName();
        var wait = throttle.retryAfter(key);
        if (wait.isPresent()) {
            long seconds = Math.max(1, wait.get().toSeconds());
            Problem p = Problem.of(ErrorCode.AUTH_THROTTLED, Map.of("identity", authentication.getName(),
                    "retryAfterSeconds", seconds));
            throw new AgentSignInFailures.Throttled(p, seconds);
        }
        try {
            Authentication result = passwords.authenticate(authentication);
            throttle.succeeded(key);
            return result;
        } catch (BadCredentialsException e) {
            throttle.failed(key);
            throw e;
        }
    }
}
