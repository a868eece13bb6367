package org.deskframe.startup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Security;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogs;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class NativeCryptographyTests {

    @AfterEach
    void asTheOtherTestsExpectIt() {
        start("auto");
    }

    @Test
    void autoPutsTheNativeProviderFirstWhereItLoads() {
        // This project's machines are Linux x86-64, where the library ships: auto must load it, not fall back.
        assertThat(AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError()).isNull();
        start("auto");
        assertThat(Security.getProviders()[0].getName()).isEqualTo(AmazonCorrettoCryptoProvider.PROVIDER_NAME);
        assertThat(providerOf("SHA256withRSA")).isEqualTo(AmazonCorrettoCryptoProvider.PROVIDER_NAME);
        assertThat(NativeCryptography.choose("auto", () -> null).message())
                .matches("Cryptography: AmazonCorrettoCryptoProvider \\S+ \\(AWS-LC v\\S+\\) first, the JDK's providers after it");
    }

    @Test
    void aTokenSignedNativelyVerifiesWithTheJdksProviderAndTheOtherWayRound() throws Exception {
        start("auto");
        KeyPair keys = KeyPairGenerator.getInstance("RSA", "SunRsaSign").generateKeyPair();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), new JWTClaimsSet.Builder().subject("agent1").build());
        jwt.sign(new RSASSASigner((RSAPrivateKey) keys.getPrivate()));
        assertThat(verifies(Security.getProvider("SunRsaSign"), keys, jwt)).isTrue();
        assertThat(verifies(AmazonCorrettoCryptoProvider.INSTANCE, keys, jwt)).isTrue();

        start("jdk");
        SignedJWT byJdk = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), new JWTClaimsSet.Builder().subject("agent1").build());
        byJdk.sign(new RSASSASigner((RSAPrivateKey) keys.getPrivate()));
        assertThat(providerOf("SHA256withRSA")).isEqualTo("SunRsaSign");
        // RS256 (PKCS #1 v1.5) is deterministic: both providers make the same bytes.
        assertThat(byJdk.getSignature()).isEqualTo(jwt.getSignature());
        assertThat(verifies(AmazonCorrettoCryptoProvider.INSTANCE, keys, byJdk)).isTrue();
    }

    @Test
    void jdkTakesTheNativeProviderAwayAgain() {
        start("auto");
        start("jdk");
        assertThat(Security.getProvider(AmazonCorrettoCryptoProvider.PROVIDER_NAME)).isNull();
        assertThat(providerOf("SHA256withRSA")).isEqualTo("SunRsaSign");
    }

    @Test
    void autoFallsBackToTheJdkAndSaysWhyWhenTheLibraryDoesNotLoad() {
        var choice = NativeCryptography.choose("auto", () -> new UnsatisfiedLinkError("no libamazonCorrettoCryptoProvider in java.library.path"));
        assertThat(choice.install()).isFalse();
        assertThat(choice.message()).contains("the JDK's providers", "did not load", "UnsatisfiedLinkError",
                "no libamazonCorrettoCryptoProvider");
    }

    @Test
    void nativeRefusesToStartWithoutTheLibraryAndNamesTheFix() {
        assertThatThrownBy(() -> NativeCryptography.choose("native", () -> new UnsatisfiedLinkError("wrong ELF class")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("deskframe.crypto.provider=native")
                .hasMessageContaining("wrong ELF class")
                .hasMessageContaining("Linux x86-64")
                .hasMessageContaining("set deskframe.crypto.provider=auto or jdk");
    }

    @Test
    void bootRunsTheChoiceBeforeTheContextAndTheAutoLoadOnceItIsReady() throws Exception {
        var factories = new java.util.Properties();
        try (var in = NativeCryptography.class.getResourceAsStream("/META-INF/spring.factories")) {
            factories.load(in);
        }
        assertThat(factories.getProperty("org.springframework.boot.EnvironmentPostProcessor").split(","))
                .contains(NativeCryptography.class.getName());
        assertThat(factories.getProperty("org.springframework.context.ApplicationListener").split(","))
                .contains(NativeCryptography.AfterStart.class.getName());
    }

    @Test
    void anUnknownChoiceIsRefusedWithTheChoices() {
        assertThatThrownBy(() -> NativeCryptography.choose("openssl", () -> null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("deskframe.crypto.provider=openssl is not a choice: use auto (native where it loads, the default), "
                        + "native (required) or jdk");
        assertThat(NativeCryptography.choose(" NATIVE ", () -> null).install()).isTrue();
        assertThat(NativeCryptography.choose(null, () -> null).install()).isTrue();
    }

    private static void start(String mode) {
        var environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", Map.of(NativeCryptography.PROPERTY, mode)));
        new NativeCryptography(new DeferredLogs()).postProcessEnvironment(environment, new SpringApplication());
        NativeCryptography.loadBesideTheRunningPlatform(); // what AfterStart does once the platform is ready
        NativeCryptography.settled();
    }

    private static String providerOf(String algorithm) {
        try {
            return Signature.getInstance(algorithm).getProvider().getName();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static boolean verifies(java.security.Provider provider, KeyPair keys, SignedJWT jwt) throws Exception {
        Signature check = Signature.getInstance("SHA256withRSA", provider);
        check.initVerify(keys.getPublic());
        check.update(jwt.getSigningInput());
        return check.verify(Base64.getUrlDecoder().decode(jwt.getSignature().toString()));
    }
}
