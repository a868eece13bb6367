package org.deskframe.identity;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * This deployment's region.
 *
 * @param id        region id stamped into every token ({@code region} claim) and org
 * @param publicUrl the region's public base URL; it is the issuer of every token this deployment signs
 */
@ConfigurationProperties("deskframe.region")
public record RegionSettings(String id, String publicUrl) {
    public RegionSettings {
        if (id == null || id.isBlank()) id = "local";
        if (publicUrl == null || publicUrl.isBlank()) publicUrl = "http://localhost:8080";
        while (publicUrl.endsWith("/")) publicUrl = publicUrl.substring(0, publicUrl.length() - 1);
    }

    /** The issuer ({@code iss}) of every token this region signs. */
    public String issuer() {
        return publicUrl;
    }

    /** The audience ({@code aud}) of access tokens: this region's API. */
    public String apiAudience() {
        return publicUrl + "/api";
    }

    public String tokenEndpoint() {
        return publicUrl + "/oauth2/token";
    }

    /** The platform's own origins: its public URL and, on a loopback host, the loopback twin. */
    public java.util.Set<String> platformOrigins() {
        return withLoopbackTwin(publicUrl);
    }

    /**
     * The origin and, when its host is {@code localhost} or {@code 127.0.0.1}, the same origin with the other one:
     * browsers treat them as different origins, and people type either.
     */
    public static java.util.Set<String> withLoopbackTwin(String origin) {
        java.net.URI u = java.net.URI.create(origin);
        String twin = "localhost".equals(u.getHost()) ? "127.0.0.1" : "127.0.0.1".equals(u.getHost()) ? "localhost" : null;
        java.util.Set<String> origins = new java.util.LinkedHashSet<>();
        origins.add(origin);
        if (twin != null) origins.add(u.getScheme() + "://" + twin + (u.getPort() > 0 ? ":" + u.getPort() : ""));
        return origins;
    }
}
