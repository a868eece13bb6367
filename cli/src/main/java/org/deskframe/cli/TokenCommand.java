package org.deskframe.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code deskframe token}: an agent's access token the way an integrator's backend obtains one, with the trusted-backend
 * grant (RFC 7523 jwt-bearer, an HS256 assertion signed with the client's secret; docs/oauth.md). It prints the access
 * token alone on stdout, for {@code TOKEN=$(bin/deskframe token ...)}; a refusal goes to stderr with its code and fix.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = {"Obtains an agent's access token with the jwt-bearer grant (HS256 assertion signed with the client's"
                + " secret) and prints it alone on stdout.", "Exit codes: 0 token printed, 1 refused, 2 usage error, 3 env unreachable."})
final class TokenCommand implements Callable<Integer> {

    static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    @Spec
    CommandSpec spec;

    @Option(names = "--env", paramLabel = "URL", defaultValue = "${env:DESKFRAME_ENV:-http://localhost:8080}",
            description = "The deployment's base URL (default: env DESKFRAME_ENV or ${DEFAULT-VALUE}).")
    String env;

    @Option(names = "--client-id", paramLabel = "ID", defaultValue = "${env:DESKFRAME_CLIENT_ID}", required = true,
            description = "The integrator's OAuth client (default: env DESKFRAME_CLIENT_ID).")
    String clientId;

    @Option(names = "--client-secret", paramLabel = "SECRET", defaultValue = "${env:DESKFRAME_CLIENT_SECRET}", required = true,
            description = "Its secret (default: env DESKFRAME_CLIENT_SECRET); it signs the assertion and authenticates the client.")
    String clientSecret;

    @Option(names = "--agent", paramLabel = "USERNAME", required = true, description = "The agent the token is for.")
    String agent;

    @Option(names = "--scope", paramLabel = "SCOPES", defaultValue = "messaging:read messaging:write voice video",
            description = "Space-separated scopes to request (default: ${DEFAULT-VALUE}).")
    String scope;

    @Override
    public Integer call() throws GeneralSecurityException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String base = EnvName.origin(env).orElse(null);
        if (base == null) {
            err.println("--env '" + env + "' is not the deployment's base URL, e.g. https://deskframe.example.com or localhost:8080.");
            err.flush();
            return 2;
        }
        PlatformHttp http = new PlatformHttp(base, Duration.ofSeconds(10));
        try {
            PlatformHttp.Answer meta = http.get("/.well-known/oauth-authorization-server", null);
            String tokenEndpoint = meta.text("token_endpoint");
            if (tokenEndpoint == null) {
                return refused(err, "no authorization-server metadata at " + base + " (HTTP " + meta.status() + ")", meta);
            }
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", JWT_BEARER);
            form.put("assertion", assertion(tokenEndpoint));
            if (scope != null && !scope.isBlank()) form.put("scope", scope.trim());
            String body = form.entrySet().stream().map(e -> PlatformHttp.form(e.getKey()) + "=" + PlatformHttp.form(e.getValue()))
                    .collect(Collectors.joining("&"));
            String basic = Base64.getEncoder().encodeToString((PlatformHttp.form(clientId) + ":" + PlatformHttp.form(clientSecret))
                    .getBytes(StandardCharsets.UTF_8));
            // The token endpoint named by the deployment's own metadata (its issuer's), not one built from --env.
            PlatformHttp.Answer token = http.send(HttpRequest.newBuilder(URI.create(tokenEndpoint)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                    .header("Authorization", "Basic " + basic).POST(HttpRequest.BodyPublishers.ofString(body)).build());
            if (token.status() != 200 || token.text("access_token") == null) {
                return refused(err, "no token for agent " + agent + " (HTTP " + token.status() + ")", token);
            }
            out.println(token.text("access_token"));
            out.flush();
            return 0;
        } catch (PlatformHttp.Unreachable e) {
            err.println("✗ " + e.getMessage());
            err.println("  fix: check --env and that the platform is running.");
            err.flush();
            return DoctorCommand.EXIT_UNREACHABLE;
        }
    }

    /** An HS256 assertion (RFC 7523): iss the client, sub the agent, aud the token endpoint, single use, two minutes. */
    private String assertion(String audience) throws GeneralSecurityException {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long now = Instant.now().getEpochSecond();
        byte[] jti = new byte[16];
        new SecureRandom().nextBytes(jti);
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", clientId);
        claims.put("sub", agent);
        claims.put("aud", audience);
        claims.put("iat", now);
        claims.put("exp", now + 120);
        claims.put("jti", HexFormat.of().formatHex(jti));
        String signingInput = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(PlatformHttp.JSON.writeValueAsBytes(claims));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(clientSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return signingInput + "." + b64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    }

    private static int refused(PrintWriter err, String what, PlatformHttp.Answer a) {
        err.println("✗ " + what);
        String code = a.text("code") != null ? a.text("code") : a.text("error");
        String message = a.text("message") != null ? a.text("message") : a.text("error_description");
        if (code != null || message != null) err.println("  " + (code == null ? "" : code + ": ") + (message == null ? "" : message));
        if (a.text("hint") != null) err.println("  fix: " + a.text("hint"));
        err.flush();
        return 1;
    }
}
