package org.deskframe.guest;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The customer side's settings ({@code deskframe.guest.*}).
 *
 * @param tokenLifetime          how long a guest access token lives (the messenger gets a new one with its resume
 *                               credential before it expires)
 * @param resumeLifetime         how long a browser can come back to its conversation after its last visit
 * @param sessionsPerMinute      new or resumed guest sessions per minute per page origin and client address
 * @param sessionBurst           how many of those may come at once
 * @param customerTokenMaxLifetime the longest a customer token may live from iat to exp
 * @param demoSiteUrl            origin of the demo customer site (run.sh serves it), allowed by the demo deployment
 */
@ConfigurationProperties("deskframe.guest")
public record GuestSettings(Duration tokenLifetime, Duration resumeLifetime, int sessionsPerMinute, int sessionBurst,
                            Duration customerTokenMaxLifetime, String demoSiteUrl) {
    public GuestSettings {
        if (tokenLifetime == null) tokenLifetime = Duration.ofMinutes(15);
        if (resumeLifetime == null) resumeLifetime = Duration.ofDays(30);
        if (sessionsPerMinute <= 0) sessionsPerMinute = 20;
        if (sessionBurst <= 0) sessionBurst = 10;
        if (customerTokenMaxLifetime == null) customerTokenMaxLifetime = Duration.ofMinutes(10);
        if (demoSiteUrl == null || demoSiteUrl.isBlank()) demoSiteUrl = "http://localhost:8082";
    }
}
