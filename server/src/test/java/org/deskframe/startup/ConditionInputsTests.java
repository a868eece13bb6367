package org.deskframe.startup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class ConditionInputsTests {

    static final String H2_URL = "jdbc:h2:dsync:${deskframe.identity.data-dir:./data}/deskframe;WRITE_DELAY=0";
    static final List<String> KEYS = List.of("deskframe.cluster.redis-url", "spring.datasource.url", "deskframe.identity.data-dir",
            "server.port", "spring.security.oauth2.authorizationserver.client");

    static StandardEnvironment environment(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
        return environment;
    }

    static final Map<String, Object> BUILD = Map.of("deskframe.cluster.redis-url", "", "spring.datasource.url", H2_URL,
            "deskframe.identity.data-dir", "./data", "server.port", "8080");

    static List<String> differences(StandardEnvironment now) {
        return ConditionInputs.of(now, KEYS).differences(ConditionInputs.of(environment(BUILD), KEYS));
    }

    static Map<String, Object> build(String key, Object value) {
        java.util.HashMap<String, Object> properties = new java.util.HashMap<>(BUILD);
        properties.put(key, value);
        return properties;
    }

    @Test
    void whenNothingChangedThenNothingDiffers() {
        assertThat(differences(environment(BUILD))).isEmpty();
    }

    @Test
    void whenARedisUrlIsSetThenItIsNamed() {
        assertThat(differences(environment(build("deskframe.cluster.redis-url", "redis://127.0.0.1:6379"))))
                .containsExactly("deskframe.cluster.redis-url");
    }

    @Test
    void whenTheDatabaseIsPostgresqlThenItsUrlIsNamed() {
        assertThat(differences(environment(build("spring.datasource.url", "jdbc:postgresql://127.0.0.1:5432/test"))))
                .containsExactly("spring.datasource.url");
    }

    @Test
    void whenOnlyThePortAndDataDirectoryDifferThenNothingDiffers() {
        Map<String, Object> elsewhere = build("server.port", "28411");
        elsewhere.put("deskframe.identity.data-dir", "/tmp/elsewhere");
        assertThat(differences(environment(elsewhere))).isEmpty();
    }

    @Test
    void whenThePortIsNotSetAtAllThenItIsNamed() {
        java.util.HashMap<String, Object> unset = new java.util.HashMap<>(BUILD);
        unset.remove("server.port");
        assertThat(differences(environment(unset))).containsExactly("server.port");
    }

    @Test
    void whenAnEnvironmentVariableAddsAnEntryBelowARecordedPrefixThenThePrefixIsNamed() {
        StandardEnvironment now = environment(BUILD);
        now.getPropertySources().addFirst(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                Map.of("SPRING_SECURITY_OAUTH2_AUTHORIZATIONSERVER_CLIENT_X_REGISTRATION_CLIENTID", "x")));
        assertThat(differences(now)).containsExactly("spring.security.oauth2.authorizationserver.client");
    }

    @Test
    void whenAProfileIsActiveThenTheProfilesAreNamed() {
        StandardEnvironment now = environment(BUILD);
        now.setActiveProfiles("postgres");
        assertThat(differences(now)).containsExactly(ConditionInputs.PROFILES);
    }

    @Test
    void theRecordReadsBackAsWrittenAndHoldsNoValue() throws IOException {
        List<String> keys = List.of("spring.datasource.password", "odd:key=with spaces");
        StandardEnvironment build = environment(Map.of("spring.datasource.password", "s3cret-password", "odd:key=with spaces", "v"));
        ConditionInputs recorded = ConditionInputs.of(build, keys);

        ConditionInputs read = ConditionInputs.parse(recorded.text());

        assertThat(read.keys()).contains("spring.datasource.password", "odd:key=with spaces", ConditionInputs.CLOUD);
        assertThat(read.differences(recorded)).isEmpty();
        assertThat(recorded.text()).doesNotContain("s3cret-password");
        assertThat(ConditionInputs.of(environment(Map.of("spring.datasource.password", "other", "odd:key=with spaces", "v")), keys)
                .differences(read)).containsExactly("spring.datasource.password");
    }
}
