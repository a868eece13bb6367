package org.deskframe.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * What the doctor found: sections of checks, each passed, failed or skipped, a failed one with the problem's code,
 * message and fix. Rendered as a plain-text checklist (with ✓/✗, or [ok]/[FAIL] in ASCII mode).
 */
final class Checklist {

    enum Status { PASS, FAIL, SKIP, INFO }

    record Problem(String code, String message, String hint) {}

    record Check(Status status, String title, List<Problem> problems) {}

    record Section(String title, List<Check> checks) {}

    private final List<Section> sections = new ArrayList<>();

    Section section(String title) {
        Section s = new Section(title, new ArrayList<>());
        sections.add(s);
        return s;
    }

    static void pass(Section s, String title) {
        s.checks().add(new Check(Status.PASS, title, List.of()));
    }

    static void info(Section s, String title) {
        s.checks().add(new Check(Status.INFO, title, List.of()));
    }

    static void skip(Section s, String title) {
        s.checks().add(new Check(Status.SKIP, title, List.of()));
    }

    static void fail(Section s, String title, Problem... problems) {
        s.checks().add(new Check(Status.FAIL, title, List.of(problems)));
    }

    static void fail(Section s, String title, List<Problem> problems) {
        s.checks().add(new Check(Status.FAIL, title, List.copyOf(problems)));
    }

    boolean anyFailed() {
        return sections.stream().flatMap(s -> s.checks().stream()).anyMatch(c -> c.status() == Status.FAIL);
    }

    /** Prints every check; a problem already printed above (same code, message and fix) is named, not repeated. */
    void print(PrintWriter out, boolean ascii) {
        java.util.Set<Problem> printed = new java.util.HashSet<>();
        for (Section s : sections) {
            out.println();
            out.println(s.title());
            for (Check c : s.checks()) {
                out.println("  " + mark(c.status(), ascii) + " " + c.title());
                for (Problem p : c.problems()) {
                    if (!printed.add(p)) {
                        out.println("      " + (p.code() == null ? "the same problem" : p.code()) + " (as above)");
                        continue;
                    }
                    out.println("      " + (p.code() == null ? "" : p.code() + ": ") + (p.message() == null ? "" : p.message()));
                    if (p.hint() != null && !p.hint().isBlank()) out.println("      fix: " + p.hint());
                }
            }
        }
    }

    private static String mark(Status s, boolean ascii) {
        return switch (s) {
            case PASS -> ascii ? "[ok]  " : "✓";
            case FAIL -> ascii ? "[FAIL]" : "✗";
            case SKIP -> ascii ? "[skip]" : "-";
            case INFO -> ascii ? "[info]" : "·";
        };
    }
}
