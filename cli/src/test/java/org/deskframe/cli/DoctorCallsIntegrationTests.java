package org.deskframe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.util.Map;
import org.deskframe.testing.Coturn;
import org.deskframe.testing.ServerInstance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code doctor --widgets voice,video} against a real coturn: the ICE servers the token gets, and a real TURN allocation
 * with the platform's credentials; a platform whose turn-secret differs from coturn's is named with
 * {@code call.turn_auth_failed} and its fix.
 */
class DoctorCallsIntegrationTests {

    static final String SECRET = "doctor-coturn-secret-0123456789";
    static Coturn coturn;
    static ServerInstance rightSecret;
    static ServerInstance wrongSecret;

    @BeforeAll
    static void start() throws Exception {
        coturn = new Coturn(SECRET);
        rightSecret = new ServerInstance(Files.createTempDirectory("doctor-calls"), Map.of(
                "deskframe.calls.turn-urls", coturn.url(), "deskframe.calls.turn-secret", SECRET)).start();
        wrongSecret = new ServerInstance(Files.createTempDirectory("doctor-calls-wrong"), Map.of(
                "deskframe.calls.turn-urls", coturn.url(), "deskframe.calls.turn-secret", "not-the-coturn-secret-0123")).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (rightSecret != null) rightSecret.close();
        if (wrongSecret != null) wrongSecret.close();
        if (coturn != null) coturn.close();
    }

    private static String doctor(ServerInstance platform, String scopes) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        DeskframeCli.commandLine(new PrintWriter(out), new PrintWriter(err)).execute("doctor", "--env", platform.base(),
                "--token", platform.http().agentToken("demo-backend", "agent1", scopes), "--widgets", "voice,video", "--ascii");
        return out + err.toString();
    }

    @Test
    void withTheRightSecretTheTurnServerGrantsAnAllocationWithThePlatformsCredentials() {
        String report = doctor(rightSecret, "voice video");
        assertThat(report).contains("Calls (GET /api/v2/calls/ice-servers, a real TURN allocation)")
                .containsPattern("\\[ok\\]\\s+" + java.util.regex.Pattern.quote(coturn.url())
                        + ": allocation granted with the platform's credentials \\(user [0-9]+:agent1, relayed address 127\\.0\\.0\\.1:[0-9]+\\)")
                .doesNotContain("call.turn_auth_failed");
    }

    @Test
    void withAnotherSecretThanTheTurnServersTheReportNamesTheCauseAndTheFix() {
        String report = doctor(wrongSecret, "voice video");
        assertThat(report).containsPattern("\\[FAIL\\]\\s+" + java.util.regex.Pattern.quote(coturn.url()) + ": allocation refused")
                .contains("call.turn_auth_failed")
                .contains("The TURN server " + coturn.url() + " refused the credentials the platform issued (TURN error 401")
                .contains("Make deskframe.calls.turn-secret on every node equal to the TURN server's static-auth-secret");
    }

    @Test
    void aTokenWithoutCallScopesIsNotProbed() {
        assertThat(doctor(rightSecret, "messaging:read messaging:write"))
                .contains("not checked: the token has neither voice nor video").doesNotContain("allocation granted");
    }
}
