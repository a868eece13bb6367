package org.deskframe.identity.internal;

import jakarta.servlet.ServletContext;
import jakarta.servlet.SessionCookieConfig;
import org.deskframe.identity.RegionSettings;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.stereotype.Component;

/**
 * The session cookie an agent gets when signing in to the authorization server (the only session Deskframe keeps):
 * {@code HttpOnly}, so no script reads it; {@code SameSite=Lax}, so no cross-site POST carries it while the
 * integrator's top-level redirect to {@code /oauth2/authorize} still does; and {@code Secure} when the public URL is
 * https. On plain http it is still {@code Secure} when the request itself came over TLS (Jetty's default).
 */
@Component
class SignInSessionCookie implements ServletContextInitializer {

    static final String SAME_SITE = "Lax";

    private final RegionSettings region;

    SignInSessionCookie(RegionSettings region) {
        this.region = region;
    }

    @Override
    public void onStartup(ServletContext servletContext) {
        SessionCookieConfig cookie = servletContext.getSessionCookieConfig();
        cookie.setHttpOnly(true);
        cookie.setAttribute("SameSite", SAME_SITE);
        if (region.publicUrl().startsWith("https://")) {
            cookie.setSecure(true);
        }
    }
}
