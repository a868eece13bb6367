package org.deskframe.identity;

import static org.deskframe.testing.GeneratedDocs.cell;
import static org.deskframe.testing.GeneratedDocs.code;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.deskframe.testing.GeneratedDocs;

/** Renders {@code docs/scopes.md} from the one scope table: {@link Scope} and {@link Widget}. */
final class ScopeTableDoc {

    private ScopeTableDoc() {}

    static String render() {
        StringBuilder md = new StringBuilder();
        md.append("# Scopes\n\n");
        md.append(GeneratedDocs.header("server/src/main/java/org/deskframe/identity/Scope.java` and `Widget.java",
                "ScopeTableTests"));
        md.append("""

                An access token carries the scopes it was granted in its `scope` claim (space-separated). A client may
                only request scopes on its allowed list; a widget or API refuses a token that lacks one it needs with
                `token.scope_missing`, naming the missing and the granted scopes (see [errors.md](errors.md)).

                ## Scopes

                | scope | grants | needed by |
                | --- | --- | --- |
                """);
        for (Scope scope : Scope.values()) {
            md.append("| ").append(code(scope.value())).append(" | ").append(cell(scope.grants()))
                    .append(" | ").append(cell(scope.neededBy())).append(" |\n");
        }
        md.append("""

                ## Widgets

                | widget | required scopes |
                | --- | --- |
                """);
        Set<String> everyWidget = new LinkedHashSet<>();
        for (Widget widget : Widget.values()) {
            md.append("| ").append(code(widget.id())).append(" | ")
                    .append(widget.requiredScopeValues().stream().map(GeneratedDocs::code).collect(Collectors.joining(" ")))
                    .append(" |\n");
            everyWidget.addAll(widget.requiredScopeValues());
        }
        md.append("\nTo open every widget, request `scope=").append(String.join(" ", everyWidget)).append("`.\n");
        md.append("The widget ids are the values of `widgets` in `EmbeddingClient` and `GET /api/v2/authorize?widgets=`: ")
                .append(Arrays.stream(Widget.values()).map(w -> code(w.id())).collect(Collectors.joining(", "))).append(".\n");
        return md.toString();
    }
}
