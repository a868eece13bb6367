package org.deskframe.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a routing client (a customer or an agent of the fault suite) was told, in the order it was told: each entry the
 * frame's op ({@code conversation_offered}, {@code conversation_assigned}, {@code agent_joined},
 * {@code conversation_ended}, {@code error}, ...), its conversation, a detail (a reason, an error code, a position)
 * and when it arrived (System.nanoTime, one clock for every client of the test).
 */
public final class RoutingLog {

    public record Entry(long at, String what, String conversation, String detail) {}

    private final List<Entry> entries = Collections.synchronizedList(new ArrayList<>());

    public void told(String what, String conversation, String detail) {
        entries.add(new Entry(System.nanoTime(), what, conversation, detail));
    }

    public List<Entry> entries() {
        synchronized (entries) {
            return List.copyOf(entries);
        }
    }

    /** The first entry of {@code what} about {@code conversation}, or null. */
    public Entry first(String what, String conversation) {
        return entries().stream().filter(e -> e.what().equals(what) && conversation.equals(e.conversation())).findFirst().orElse(null);
    }
}
