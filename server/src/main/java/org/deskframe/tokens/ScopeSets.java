package org.deskframe.tokens;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared copy of each scope set tokens carry. An open gateway session holds its token for hours; the sets of
 * granted and client-allowed scopes come in a handful of combinations, so each session points at a shared immutable
 * set instead of holding its own strings (hundreds of bytes per idle session otherwise).
 */
final class ScopeSets {

    /** More distinct sets than any deployment's clients make; past it, sets are simply not shared. */
    private static final int MAX_SHARED = 4_096;
    private static final ConcurrentHashMap<Set<String>, Set<String>> SHARED = new ConcurrentHashMap<>();

    private ScopeSets() {}

    static Set<String> shared(Set<String> scopes) {
        Set<String> copy = Set.copyOf(scopes);
        Set<String> known = SHARED.get(copy);
        if (known != null) return known;
        if (SHARED.size() >= MAX_SHARED) return copy;
        Set<String> first = SHARED.putIfAbsent(copy, copy);
        return first == null ? copy : first;
    }
}
