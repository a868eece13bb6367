package org.deskframe.embed;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.deskframe.identity.Widget;

/**
 * Which widgets this deployment can start, and the notice a widget that cannot shows. The one rule that the widget
 * pages (which page a widget loads), the embed discovery ({@code widgets} of {@code /embed/v1/env}) and so
 * {@code deskframe doctor} all follow, so none of them says "can start" where another says "not enabled".
 */
final class WidgetAvailability {

    private WidgetAvailability() {}

    /** Why {@code widget} is not enabled, or empty when it is. */
    static Optional<String> notice(Widget widget) {
        return switch (widget) {
            case MESSAGING, SUPERVISOR, VOICE, VIDEO -> Optional.empty();
            case MESSENGER -> Optional.of("The messenger is the customer's side: embed it on your site with /embed/v1/messenger.js (docs/messenger.md), not in an agent desktop.");
        };
    }

    static boolean enabled(Widget widget) {
        return notice(widget).isEmpty();
    }

    /** {@code {messaging: {enabled: true}, voice: {enabled: true}, ...}}, for the embed discovery. */
    static Map<String, Object> view() {
        Map<String, Object> widgets = new LinkedHashMap<>();
        for (Widget w : Widget.values()) {
            if (w == Widget.MESSENGER) continue; // the customer's, not an agent widget (docs/messenger.md)
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("enabled", enabled(w));
            notice(w).ifPresent(n -> v.put("notice", n));
            widgets.put(w.id(), v);
        }
        return widgets;
    }
}
