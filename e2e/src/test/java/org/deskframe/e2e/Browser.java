package org.deskframe.e2e;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Debian's Chromium driven by Playwright, without Playwright's own browser download (see shared/STACK.md). Each
 * agent gets its own browser context, like two people on two machines.
 */
final class Browser implements AutoCloseable {

    private static final List<String> ARGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run");

    private final Playwright playwright;
    private final com.microsoft.playwright.Browser browser;

    Browser() {
        this(List.of());
    }

    /** With flags beyond the usual ones (STACK.md), for a test that needs the browser to behave otherwise in one respect. */
    Browser(List<String> extraArgs) {
        List<String> args = new java.util.ArrayList<>(ARGS);
        args.addAll(extraArgs);
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(Paths.get("/usr/bin/chromium")).setHeadless(true).setArgs(args));
    }

    /** A page in a fresh context, with every console line (its own and its iframes') collected. */
    AgentPage open(String url) {
        return open(url, page -> { });
    }

    /** Like {@link #open(String)}, with {@code beforeNavigate} run on the new page first (to attach listeners). */
    AgentPage open(String url, java.util.function.Consumer<Page> beforeNavigate) {
        return open(url, beforeNavigate, false);
    }

    /**
     * A page whose context ignores every page's Content-Security-Policy, so that the accessibility audit can inject
     * axe-core into the widgets' frames (their CSP allows only their own scripts; see {@link AccessibilityAudit}).
     */
    AgentPage openForAudit(String url, java.util.function.Consumer<Page> beforeNavigate) {
        return open(url, beforeNavigate, true);
    }

    private AgentPage open(String url, java.util.function.Consumer<Page> beforeNavigate, boolean bypassCsp) {
        BrowserContext context = browser.newContext(new com.microsoft.playwright.Browser.NewContextOptions()
                .setViewportSize(1280, 760).setBypassCSP(bypassCsp));
        Page page = context.newPage();
        List<String> console = new CopyOnWriteArrayList<>();
        page.onConsoleMessage(m -> console.add(m.text()));
        beforeNavigate.accept(page);
        page.navigate(url);
        return new AgentPage(context, page, console);
    }

    record AgentPage(BrowserContext context, Page page, List<String> console) implements AutoCloseable {
        @Override
        public void close() {
            context.close();
        }
    }

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }
}
