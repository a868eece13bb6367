package org.deskframe.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScopeSetsTests {

    @Test
    void equalSetsFromDifferentTokensAreOneSharedImmutableSet() {
        Set<String> a = ScopeSets.shared(new HashSet<>(List.of(new String("messaging:read"), new String("voice"))));
        Set<String> b = ScopeSets.shared(new HashSet<>(List.of(new String("voice"), new String("messaging:read"))));
        assertThat(b).isSameAs(a).containsExactlyInAnyOrder("messaging:read", "voice");
        assertThatThrownBy(() -> a.add("video")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(ScopeSets.shared(Set.of("video"))).isNotSameAs(a).containsExactly("video");
    }
}
