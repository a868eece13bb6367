package org.deskframe.identity.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;

/** Sets are stored as space-separated columns (every element is a token without spaces: scopes, URIs, origins). */
final class Columns {
    private Columns() {}

    static String join(Collection<String> values) {
        return values == null ? "" : values.stream().sorted().collect(Collectors.joining(" "));
    }

    static Set<String> split(String column) {
        if (column == null || column.isBlank()) return Set.of();
        return Arrays.stream(column.trim().split("\\s+")).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    static Timestamp now() {
        return Timestamp.from(Instant.now());
    }
}
