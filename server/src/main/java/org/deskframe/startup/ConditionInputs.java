package org.deskframe.startup;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/**
 * What the build's conditions saw: for each property key read while Spring AOT fixed the bean definitions, a digest of
 * its value as written (placeholders unresolved: the keys a placeholder names were read too, and have digests of their
 * own) and of every property below it (a condition that binds a prefix, such as a map of clients, reads the prefix),
 * plus the active profiles and the detected cloud platform. Two environments with equal digests make the same
 * conditions match, so the build's bean definitions are the ones this start would compute. Values are kept only as
 * digests: some of them are secrets.
 */
final class ConditionInputs {

    /** Where the build puts the record, inside the jar. */
    static final String RESOURCE = "META-INF/deskframe/aot-condition-inputs.properties";

    /** Entries that are not property keys. */
    static final String PROFILES = "@profiles.active", DEFAULT_PROFILES = "@profiles.default", CLOUD = "@cloud-platform";

    /**
     * Keys whose value no condition decides on, only whether they are set: the HTTP port (compared with the management
     * port, which decides only when it is set itself) and the data directory (read through the default database URL's
     * placeholder). For these only presence is recorded; {@code ConditionInputsIntegrationTests} checks the claim by
     * fixing the bean definitions with other values and comparing.
     */
    static final java.util.Set<String> PRESENCE_ONLY = java.util.Set.of("server.port", "deskframe.identity.data-dir");

    private static final String ABSENT = "\u0001absent";

    private final Map<String, String> digests;

    private ConditionInputs(Map<String, String> digests) {
        this.digests = digests;
    }

    /**
     * Keys read while the build ran that no condition decides on: whether AOT runs, and the process's id and the
     * jar's version, which Boot adds for logging and which differ from start to start.
     */
    static boolean isRecorded(String key) {
        return !key.startsWith("spring.aot.") && !key.equals("spring.application.pid") && !key.equals("spring.application.version");
    }

    /** The digests of these keys (and the profile and platform entries) as the environment resolves them now. */
    static ConditionInputs of(ConfigurableEnvironment environment, Collection<String> keys) {
        Map<String, TreeMap<String, String>> seen = new TreeMap<>();
        Map<ConfigurationPropertyName, List<String>> byName = new HashMap<>();
        for (String key : keys) {
            if (!isRecorded(key) || key.startsWith("@")) continue;
            TreeMap<String, String> values = new TreeMap<>();
            values.put(key, written(environment, key));
            seen.put(key, values);
            if (ConfigurationPropertyName.isValid(key)) {
                byName.computeIfAbsent(ConfigurationPropertyName.of(key), n -> new ArrayList<>()).add(key);
            }
        }
        // Every property below a recorded key counts too, from whichever source it comes (environment variables
        // included, under their relaxed names).
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable)) continue;
            for (ConfigurationPropertyName name : iterable) {
                for (ConfigurationPropertyName up = name; !up.isEmpty(); up = up.getParent()) {
                    List<String> owners = byName.get(up);
                    if (owners == null) continue;
                    String value = written(environment, name.toString());
                    owners.forEach(owner -> seen.get(owner).put(name.toString(), value));
                }
            }
        }
        Map<String, String> digests = new TreeMap<>();
        seen.forEach((key, values) -> digests.put(key, digest(values)));
        digests.put(PROFILES, digest(Map.of("", String.join(",", environment.getActiveProfiles()))));
        digests.put(DEFAULT_PROFILES, digest(Map.of("", String.join(",", environment.getDefaultProfiles()))));
        CloudPlatform platform = CloudPlatform.getActive(environment);
        digests.put(CLOUD, digest(Map.of("", platform == null ? "none" : platform.name())));
        return new ConditionInputs(digests);
    }

    /** The build's record in the class path, or null when the jar was built without Spring AOT. */
    static ConditionInputs recorded(ClassLoader classLoader) throws IOException {
        try (InputStream in = classLoader.getResourceAsStream(RESOURCE)) {
            if (in == null) return null;
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static ConditionInputs parse(String text) throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(text));
        Map<String, String> digests = new TreeMap<>();
        properties.stringPropertyNames().forEach(key -> digests.put(key, properties.getProperty(key)));
        return new ConditionInputs(digests);
    }

    /** The recorded keys, profile and platform entries included. */
    Collection<String> keys() {
        return digests.keySet();
    }

    /** The entries whose digest differs from the other's (or that only one of them has), sorted. */
    List<String> differences(ConditionInputs other) {
        TreeSet<String> all = new TreeSet<>(digests.keySet());
        all.addAll(other.digests.keySet());
        return all.stream().filter(key -> !java.util.Objects.equals(digests.get(key), other.digests.get(key))).toList();
    }

    /** The record as the jar holds it: one {@code key=digest} line per entry, sorted, so that builds compare. */
    String text() {
        StringBuilder out = new StringBuilder(
                "# The inputs of the bean-definition conditions Spring AOT evaluated at build time (org.deskframe.startup).\n");
        digests.forEach((key, digest) -> out.append(escape(key)).append('=').append(digest).append('\n'));
        return out.toString();
    }

    /** The value as the highest-precedence source holds it, placeholders unresolved; for a few keys only its presence. */
    private static String written(ConfigurableEnvironment environment, String key) {
        Object value = null;
        if (ConfigurationPropertyName.isValid(key)) {
            ConfigurationPropertyName name = ConfigurationPropertyName.of(key);
            for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
                ConfigurationProperty property = source.getConfigurationProperty(name);
                if (property != null) {
                    value = property.getValue();
                    break;
                }
            }
        } else {
            for (PropertySource<?> source : environment.getPropertySources()) {
                if (ConfigurationPropertySources.isAttachedConfigurationPropertySource(source)) continue; // adapts the others
                value = source.getProperty(key);
                if (value != null) break;
            }
        }
        if (value == null) return ABSENT;
        return PRESENCE_ONLY.contains(key) ? "\u0001present" : value.toString();
    }

    private static String digest(Map<String, String> values) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            new TreeMap<>(values).forEach((name, value) -> {
                sha.update(name.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(value.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) '\n');
            });
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String escape(String key) {
        StringBuilder out = new StringBuilder();
        for (char c : key.toCharArray()) {
            if ("=: #!\\".indexOf(c) >= 0) out.append('\\');
            out.append(c);
        }
        return out.toString();
    }
}
