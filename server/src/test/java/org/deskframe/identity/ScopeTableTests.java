package org.deskframe.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.deskframe.testing.GeneratedDocs;
import org.junit.jupiter.api.Test;

/** Invariants of the one scope table, and {@code docs/scopes.md} kept equal to it. */
class ScopeTableTests {

    @Test
    void docsScopesMdIsRenderedFromTheScopeTable() {
        GeneratedDocs.checkOrWrite("scopes.md", ScopeTableDoc.render());
    }

    @Test
    void scopeValuesAreUniqueTokensWithoutSpaces() {
        assertThat(Scope.allValues()).doesNotHaveDuplicates().allMatch(v -> v.matches("[a-z]+(:[a-z]+)?"));
    }

    @Test
    void everyScopeSaysWhatItGrantsAndWhoNeedsIt() {
        for (Scope scope : Scope.values()) {
            assertThat(scope.grants()).as(scope.value()).isNotBlank();
            assertThat(scope.neededBy()).as(scope.value()).isNotBlank();
        }
    }

    @Test
    void neededByNamesExactlyTheWidgetsThatRequireTheScope() {
        for (Scope scope : Scope.values()) {
            Set<String> requiring = Arrays.stream(Widget.values()).filter(w -> w.requiredScopes().contains(scope))
                    .map(Widget::id).collect(Collectors.toSet());
            Set<String> named = Arrays.stream(Widget.values())
                    .filter(w -> scope.neededBy().toLowerCase(Locale.ROOT).contains(w.id() + " widget"))
                    .map(Widget::id).collect(Collectors.toSet());
            assertThat(named).as("widgets named in %s's neededBy", scope.value()).isEqualTo(requiring);
        }
    }

    @Test
    void everyWidgetNeedsAtLeastOneScopeAndIdsRoundTrip() {
        for (Widget widget : Widget.values()) {
            assertThat(widget.requiredScopes()).as(widget.id()).isNotEmpty().doesNotHaveDuplicates();
            assertThat(Widget.of(widget.id())).contains(widget);
        }
    }

    @Test
    void noScopeOfAWidgetIsTheAdminScope() {
        for (Widget widget : Widget.values()) {
            assertThat(widget.requiredScopes()).as(widget.id()).doesNotContain(Scope.ADMIN);
        }
    }
}
