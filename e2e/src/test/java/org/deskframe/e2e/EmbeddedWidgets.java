package org.deskframe.e2e;

import com.microsoft.playwright.FrameLocator;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.util.Map;

/**
 * What the browser tests do with a page's embedded widgets: read its EmbeddingClient's {@code status()} (the test page
 * exposes the client as {@code window.df}, the example desktop as {@code window.deskframe}) and type in the messaging
 * widget's composer.
 */
final class EmbeddedWidgets {

    private static final String CLIENT = "(window.deskframe || window.df)";

    private EmbeddedWidgets() {}

    /** The messaging widget's frame on a page that embeds it. */
    static FrameLocator messaging(Page page) {
        return page.frameLocator("iframe[title='Deskframe messaging']");
    }

    /** A message in the messaging widget's transcript that the platform stored (not one still pending). */
    static Locator message(FrameLocator messaging, String text) {
        return messaging.locator(".df-message:not(.df-pending)", new FrameLocator.LocatorOptions().setHasText(text));
    }

    static void send(FrameLocator messaging, String text) {
        Locator box = messaging.locator("#df-composer-text");
        box.fill(text);
        box.press("Enter");
    }

    static void awaitState(Page page, String widget, String state) {
        awaitTrue(page, "() => " + CLIENT + " && " + CLIENT + ".status()['" + widget + "'].state === '" + state + "'");
    }

    static void awaitTrue(Page page, String expression) {
        page.waitForFunction(expression, null, new Page.WaitForFunctionOptions().setTimeout(20_000));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> status(Page page, String widget) {
        return (Map<String, Object>) page.evaluate("w => " + CLIENT + ".status()[w]", widget);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> error(Page page, String widget) {
        return (Map<String, Object>) status(page, widget).get("error");
    }
}
