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
}
