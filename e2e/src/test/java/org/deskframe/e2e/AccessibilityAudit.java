package org.deskframe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Frame;
import com.microsoft.playwright.Page;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An axe-core audit (npm's axe-core 4.x, installed by the e2e build) of a page and each of its frames, failing on
 * serious or critical findings and on a page without exactly one h1. The page must come from {@link Browser#openForAudit}: the widgets' CSP allows only
 * their own scripts, so axe is injected into a context that bypasses CSP.
 */
final class AccessibilityAudit {

    private static final List<String> FAILING = List.of("serious", "critical");
    private static String axe;

    private AccessibilityAudit() {}

    /** Audits the page and every frame in it; fails naming each serious or critical finding, where and why. */
    static void assertNoSeriousFindings(Page page, String what) {
        List<String> findings = new ArrayList<>();
        int audited = 0;
        for (Frame frame : page.frames()) {
            if (frame.url().isEmpty() || frame.url().equals("about:blank")) continue;
            frame.addScriptTag(new Frame.AddScriptTagOptions().setContent(source()));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> violations = (List<Map<String, Object>>) frame.evaluate("""
                    async () => (await axe.run(document, {iframes: false, resultTypes: ['violations']})).violations
                        .map(v => ({id: v.id, impact: v.impact, help: v.help,
                                    nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary.replace(/\\s+/g, ' '))}))
                    """);
            audited++;
            // One top-level heading per page, widget pages included.
            Object h1 = frame.evaluate("() => document.querySelectorAll('h1').length");
            if (((Number) h1).intValue() != 1) findings.add(h1 + " h1 elements (one top-level heading per page) in " + frame.url());
            for (Map<String, Object> v : violations) {
                if (FAILING.contains(String.valueOf(v.get("impact")))) {
                    findings.add(v.get("impact") + " " + v.get("id") + " (" + v.get("help") + ") in " + frame.url() + ": "
                            + v.get("nodes"));
                }
            }
        }
        assertThat(audited).as("frames audited in %s", what).isPositive();
        assertThat(findings).as("serious or critical axe-core findings in %s", what).isEmpty();
    }

    private static synchronized String source() {
        if (axe == null) {
            Path file = Path.of(System.getProperty("deskframe.axe", "node_modules/axe-core/axe.min.js"));
            try {
                axe = Files.readString(file);
            } catch (IOException e) {
                throw new UncheckedIOException("axe-core is missing at " + file + ": the e2e build runs npm ci for it", e);
            }
        }
        return axe;
    }
}
