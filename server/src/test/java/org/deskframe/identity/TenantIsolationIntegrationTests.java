package org.deskframe.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AuthorizationErrorResponse;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.JWTBearerGrant;
import org.junit.jupiter.api.Test;

/** An organisation's client can never obtain a token for another organisation's agent, by any grant. */
class TenantIsolationIntegrationTests extends AuthorizationServerTest {

    @Test
    void anAcmeBackendCannotGetATokenForADemoAgentWithTheJwtBearerGrant() {
        Exchange refused = token(basic("acme-backend"),
                new JWTBearerGrant(hs256Assertion("acme-backend", assertionClaims("acme-backend", "agent1").build())), null);

        assertThat(refused.error()).isEqualTo("invalid_grant");
        assertThat(refused.errorDescription()).contains("agent1").contains("acme");
        assertThat(refused.code()).isEqualTo("grant.agent_not_in_org");
    }

    @Test
    void aDemoBackendCannotGetATokenForAnAcmeAgentWithTheJwtBearerGrant() {
        Exchange refused = token(basic("demo-backend"),
                new JWTBearerGrant(hs256Assertion("demo-backend", assertionClaims("demo-backend", "acme-agent1").build())), null);

        assertThat(refused.error()).isEqualTo("invalid_grant");
        assertThat(refused.code()).isEqualTo("grant.agent_not_in_org");
    }

    @Test
    void aDemoAgentSigningInThroughAnAcmeClientGetsNoCode() {
        Agent agent = newAgent("demo");

        CodeFlow flow = codeFlow("acme-backend", agent.username(), password(agent.username()));

        assertThat(flow.landing().location().toString()).startsWith(DESKTOP_CALLBACK + "?");
        assertThat(flow.response().indicatesSuccess()).as("no code for another org's agent: " + flow.landing().location()).isFalse();
        AuthorizationErrorResponse error = flow.response().toErrorResponse();
        assertThat(error.getErrorObject().getCode()).isEqualTo("access_denied");
        assertThat(error.getErrorObject().getDescription()).startsWith("grant.agent_not_in_org: ")
                .contains(agent.username()).contains("acme-backend");
        assertThat(error.getState()).isEqualTo(flow.request().getState());
    }

    @Test
    void theSameAgentStillSignsInThroughItsOwnOrganisationsClient() {
        Agent agent = newAgent("demo");
        assertThat(codeFlow("acme-backend", agent.username(), password(agent.username())).response().indicatesSuccess()).isFalse();

        assertThat(codeFlowTokens("demo-backend", agent.username(), password(agent.username())).ok()).isTrue();
    }

    @Test
    void aClientsOwnTokenCarriesItsOwnOrganisation() throws Exception {
        Exchange acme = token(basic("acme-backend"), new ClientCredentialsGrant(), null);

        assertThat(SignedJWT.parse(acme.accessToken().getValue()).getJWTClaimsSet().getStringClaim("org")).isEqualTo("acme");
    }
}
