package org.deskframe.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import java.net.URI;
import java.util.List;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.Test;

class DiscoveryIntegrationTests extends AuthorizationServerTest {

    private static final List<GrantType> GRANTS = List.of(GrantType.AUTHORIZATION_CODE, GrantType.CLIENT_CREDENTIALS,
            GrantType.REFRESH_TOKEN, GrantType.JWT_BEARER);
    private static final List<ClientAuthenticationMethod> AUTH_METHODS = List.of(ClientAuthenticationMethod.CLIENT_SECRET_BASIC,
            ClientAuthenticationMethod.CLIENT_SECRET_POST, ClientAuthenticationMethod.PRIVATE_KEY_JWT);

    @Test
    void oauthMetadataIsFoundFromTheIssuerAndNamesEveryEndpoint() throws Exception {
        AuthorizationServerMetadata meta = AuthorizationServerMetadata.resolve(new Issuer(BASE));

        assertThat(meta.getIssuer().getValue()).isEqualTo(BASE);
        assertThat(meta.getAuthorizationEndpointURI()).isEqualTo(URI.create(BASE + "/oauth2/authorize"));
        assertThat(meta.getTokenEndpointURI()).isEqualTo(URI.create(BASE + "/oauth2/token"));
        assertThat(meta.getJWKSetURI()).isEqualTo(URI.create(BASE + "/oauth2/jwks"));
        assertThat(meta.getRevocationEndpointURI()).isEqualTo(URI.create(BASE + "/oauth2/revoke"));
        assertThat(meta.getIntrospectionEndpointURI()).isEqualTo(URI.create(BASE + "/oauth2/introspect"));
    }

    @Test
    void oauthMetadataAdvertisesOnlyWhatIsSupported() {
        AuthorizationServerMetadata meta = metadata();

        assertThat(meta.getGrantTypes()).containsExactlyInAnyOrderElementsOf(GRANTS);
        assertThat(meta.getTokenEndpointAuthMethods()).containsExactlyInAnyOrderElementsOf(AUTH_METHODS);
        assertThat(meta.getTokenEndpointJWSAlgs()).contains(JWSAlgorithm.RS256).doesNotContain(JWSAlgorithm.HS256);
        assertThat(meta.getRevocationEndpointAuthMethods()).containsExactlyInAnyOrderElementsOf(AUTH_METHODS);
        assertThat(meta.getIntrospectionEndpointAuthMethods()).containsExactlyInAnyOrderElementsOf(AUTH_METHODS);
        assertThat(meta.getCodeChallengeMethods()).containsExactly(CodeChallengeMethod.S256);
        assertThat(meta.getResponseTypes()).extracting(Object::toString).containsExactly("code");
        assertThat(meta.getScopes().toStringList()).containsExactlyInAnyOrderElementsOf(Scope.allValues());
        assertThat(meta.supportsTLSClientCertificateBoundAccessTokens()).isFalse();
        assertThat(meta.getDPoPJWSAlgs()).isNull();
    }

    @Test
    void openIdMetadataIsFoundFromTheIssuerAndAgreesWithTheOauthMetadata() throws Exception {
        OIDCProviderMetadata oidc = OIDCProviderMetadata.resolve(new Issuer(BASE));

        assertThat(oidc.getIssuer().getValue()).isEqualTo(BASE);
        assertThat(oidc.getJWKSetURI()).isEqualTo(metadata().getJWKSetURI());
        assertThat(oidc.getTokenEndpointURI()).isEqualTo(metadata().getTokenEndpointURI());
        assertThat(oidc.getGrantTypes()).containsExactlyInAnyOrderElementsOf(GRANTS);
        assertThat(oidc.getTokenEndpointAuthMethods()).containsExactlyInAnyOrderElementsOf(AUTH_METHODS);
        assertThat(oidc.getCodeChallengeMethods()).containsExactly(CodeChallengeMethod.S256);
        assertThat(oidc.getIDTokenJWSAlgs()).containsExactly(JWSAlgorithm.RS256);
        assertThat(oidc.getScopes().toStringList()).as("no ID tokens are issued").doesNotContain("openid")
                .containsExactlyInAnyOrderElementsOf(Scope.allValues());
        assertThat(oidc.getUserInfoEndpointURI()).isNull();
    }

    @Test
    void jwksPublishesPublicRs256SigningKeysWithKeyIds() throws Exception {
        JWKSet jwks = JWKSet.load(metadata().getJWKSetURI().toURL());

        assertThat(jwks.getKeys()).isNotEmpty().hasSizeLessThanOrEqualTo(2);
        for (JWK key : jwks.getKeys()) {
            assertThat(key).isInstanceOf(RSAKey.class);
            assertThat(key.isPrivate()).as("JWKS must never contain private key material").isFalse();
            assertThat(key.getKeyID()).isNotBlank();
            assertThat(key.getKeyUse()).isEqualTo(KeyUse.SIGNATURE);
            assertThat(key.getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
            assertThat(((RSAKey) key).size()).isGreaterThanOrEqualTo(2048);
        }
    }

    @Test
    void discoveryDocumentsAreCacheableJsonWithoutAuthentication() {
        Reply reply = http.get("/.well-known/oauth-authorization-server", null);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).startsWith("application/json");
        assertThat(http.get("/.well-known/openid-configuration", null).status()).isEqualTo(200);
    }
}
