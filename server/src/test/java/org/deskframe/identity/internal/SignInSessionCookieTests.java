package org.deskframe.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.deskframe.identity.RegionSettings;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockServletContext;

/** The session cookie's attributes follow the public URL: Secure whenever the deployment is reached over https. */
class SignInSessionCookieTests {

    @Test
    void behindAnHttpsPublicUrlTheCookieIsSecureHttpOnlyAndLax() {
        MockServletContext context = new MockServletContext();

        new SignInSessionCookie(new RegionSettings("eu", "https://deskframe.example.com")).onStartup(context);

        assertThat(context.getSessionCookieConfig().isSecure()).isTrue();
        assertThat(context.getSessionCookieConfig().isHttpOnly()).isTrue();
        assertThat(context.getSessionCookieConfig().getAttribute("SameSite")).isEqualTo("Lax");
    }

    @Test
    void onAPlainHttpPublicUrlSecureIsLeftToTheRequest() {
        MockServletContext context = new MockServletContext();

        new SignInSessionCookie(new RegionSettings("local", "http://localhost:8080")).onStartup(context);

        assertThat(context.getSessionCookieConfig().isSecure()).isFalse();
        assertThat(context.getSessionCookieConfig().isHttpOnly()).isTrue();
        assertThat(context.getSessionCookieConfig().getAttribute("SameSite")).isEqualTo("Lax");
    }
}
