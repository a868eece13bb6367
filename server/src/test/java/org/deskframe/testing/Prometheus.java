package org.deskframe.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads /actuator/prometheus as the deployment admin client, and single series out of its text. */
public final class Prometheus {

    /** The shared test server's bootstrap admin client (DeskframeServerTest). */
    public static final String ADMIN_SECRET = "test-bootstrap-admin-secret-0123456789abcdef";

    private Prometheus() {}

    public static String scrapeToken(TestClient http) {
        TestClient.Reply r = http.form("/oauth2/token", "deskframe-admin", ADMIN_SECRET,
                Map.of("grant_type", "client_credentials", "scope", "metrics:read"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("access_token").asString();
    }

    public static String scrape(TestClient http) {
        TestClient.Reply r = http.get("/actuator/prometheus", scrapeToken(http));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    /** The value of the one series of {@code name} whose labels contain all of {@code labels}; 0 when there is none yet. */
    public static double value(String exposition, String name, String... labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*})? ([0-9.eE+-]+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(exposition);
        double found = 0;
        int matches = 0;
        while (m.find()) {
            String l = m.group(1) == null ? "" : m.group(1);
            boolean all = true;
            for (String label : labels) all &= l.contains(label);
            if (all) {
                found = Double.parseDouble(m.group(2));
                matches++;
            }
        }
        assertThat(matches).as("%s %s in:%n%s", name, String.join(",", labels), exposition.lines().filter(x -> x.startsWith(name)).toList())
                .isLessThanOrEqualTo(1);
        return found;
    }
}
