package org.deskframe.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;
import org.deskframe.testing.StreamClient;
import tools.jackson.databind.JsonNode;

/**
 * An agent's gateway session as a desktop sees it: frames are kept until a test asks for them, in arrival order,
 * whatever it waited for in between (a push may overtake the reply of the command that caused it).
 */
public final class AgentDesk implements AutoCloseable {

    private final StreamClient client;
    private final List<JsonNode> unread = new ArrayList<>();

    public AgentDesk(StreamClient client) {
        this.client = client;
    }

    public StreamClient client() {
        return client;
    }

    /** The first frame, read or not yet arrived, that matches; it is then consumed. */
    public synchronized JsonNode next(Predicate<JsonNode> match, Duration timeout) {
        for (Iterator<JsonNode> it = unread.iterator(); it.hasNext(); ) {
            JsonNode f = it.next();
            if (match.test(f)) {
                it.remove();
                return f;
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode f = left <= 0 ? null : client.poll(Duration.ofNanos(left));
            if (f == null) throw new AssertionError("no matching frame within " + timeout + "; unread: " + unread);
            if (match.test(f)) return f;
            if (!"ping".equals(RoutingFixture.text(f, "op"))) unread.add(f);
        }
    }

    public JsonNode nextOp(String op) {
        return next(f -> op.equals(RoutingFixture.text(f, "op")), Duration.ofSeconds(15));
    }

    /** The next frame of {@code op} within {@code within}, or null (nothing else is consumed). */
    public synchronized JsonNode pollOp(String op, Duration within) {
        try {
            return next(f -> op.equals(RoutingFixture.text(f, "op")), within);
        } catch (AssertionError none) {
            return null;
        }
    }

    public AgentDesk sendFrame(Object... keyValues) {
        client.sendFrame(keyValues);
        return this;
    }

    /** Sends the command with a fresh id and returns its reply. */
    public JsonNode command(Object... keyValues) {
        String id = RoutingFixture.unique("cmd");
        Object[] withId = new Object[keyValues.length + 2];
        withId[0] = "id";
        withId[1] = id;
        System.arraycopy(keyValues, 0, withId, 2, keyValues.length);
        client.sendFrame(withId);
        return next(f -> id.equals(RoutingFixture.text(f, "id")), Duration.ofSeconds(15));
    }

    public void abort() {
        client.abort();
    }

    @Override
    public void close() {
        client.close();
    }
}
