package org.deskframe.testing;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A customer of the fault suite's routing load, through the messenger's path: {@code POST /api/v2/guest/sessions}
 * from the deployment's page origin, the messenger's handshake, a first message; once an agent answers, a second one;
 * then it waits until the conversation ends and reads it to its end. After any failure it reconnects through
 * {@link GatewayReconnect}, with a new guest token from the session request with its resume credential (as the
 * messenger does on reload), resuming from the last sequence it saw. Everything it is told goes into its
 * {@link RoutingLog}; {@link #arrivedAt} is when it asked for its session.
 */
public final class CustomerDriver implements Runnable {

    public final String name;
    private final String base;
    private final String origin;
    private final String deployment;
    public final RoutingLog log = new RoutingLog();
    public final long arrivedAt = System.nanoTime();
    public volatile String conversation;
    public volatile ClientTranscript transcript;
    public volatile GatewayReconnect gateway;
    private String resume;
    /** Session requests refused or unanswered before one was served (a node or the database away). */
    public int sessionRetries;
    /**
     * Times it reconnected because nothing but heartbeats came for {@link #PATIENCE} while it waited for the other side
     * (as a customer reloads a page that seems stuck). A last resort: the platform tells open sessions again what a lost
     * push said, so a reload should find nothing new; most are a long wait in the queue.
     */
    public volatile int reloads;
    /**
     * Reloads after which the new session said something the open one had not been told (another standing, or messages
     * beyond the last it saw, within {@link #NEWS_WINDOW} of the new session): what the platform failed to resync.
     */
    public volatile int reloadsThatFoundNews;
    public static final Duration PATIENCE = Duration.ofSeconds(15);
    static final Duration NEWS_WINDOW = Duration.ofSeconds(2);
    /** Where it was last told its conversation stands (queue:n, agent:id, ended); read when judging a reload. */
    private String standing = "";
    private String standingAtReload;
    private long seenAtReload;
    public volatile boolean done;
    public volatile boolean stop;
    public volatile Throwable failure;
    private boolean ended;
    private boolean secondSent;

    public CustomerDriver(String name, String base, String origin, String deployment) {
        this.name = name;
        this.base = base;
        this.origin = origin;
        this.deployment = deployment;
    }

    /** The session request: new (no resume credential yet) or resumed. */
    private TestClient.Reply session(TestClient http) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deployment", deployment);
        if (resume != null) body.put("resume", resume);
        else body.put("prechat", Map.of("name", name));
        return http.send(HttpRequest.newBuilder(URI.create(base + "/api/v2/guest/sessions"))
                .POST(HttpRequest.BodyPublishers.ofString(TestClient.JSON.writeValueAsString(body)))
                .header("Content-Type", "application/json").header("Origin", origin).build());
    }

    @Override
    public void run() {
        try {
            String firstToken = open();
            if (firstToken == null) return;
            gateway = new GatewayReconnect(base, "messenger", origin, "token", this::session);
            gateway.nextToken = () -> firstToken;
            gateway.serveWhile(() -> !done && !stop, () -> Map.of(conversation, transcript.lastSeen), this::talk);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure = t;
        }
    }

    /** Its conversation's session, asked for until served; answers its first guest token. */
    private String open() throws InterruptedException {
        TestClient http = new TestClient(base);
        while (!stop) {
            try {
                TestClient.Reply r = session(http);
                if (r.status() == 201) {
                    JsonNode s = r.json();
                    conversation = s.get("conversation").asString();
                    resume = s.get("resume").asString();
                    transcript = new ClientTranscript(conversation);
                    log.told("session", conversation, null);
                    return s.get("token").asString();
                }
                log.told("session_refused", null, r.status() + " " + r.body());
                // A refusal of the request itself is the test's mistake, not a fault's: retrying it would hide it.
                if (r.status() >= 400 && r.status() < 500 && r.status() != 429) {
                    throw new IllegalStateException("session request refused: " + r.status() + " " + r.body());
                }
            } catch (RuntimeException e) {
                log.told("session_refused", null, e.toString());
            }
            sessionRetries++;
            // a new connection: through the balancer, another node may answer
            http = new TestClient(base);
            Thread.sleep(250);
        }
        return null;
    }

    private void talk(StreamClient ws) {
        if (transcript.ackedIds.isEmpty() && transcript.inFlight() == 0 && !ended) {
            transcript.send(ws, name + "-1", "Hello, I need help with order " + name);
        } else {
            transcript.resendAll(ws);
        }
        long lastFrame = System.nanoTime(), lastNews = lastFrame;
        long judgeUntil = standingAtReload == null ? 0 : lastFrame + NEWS_WINDOW.toNanos();
        while (!done && !stop && !ws.isClosed()) {
            transcript.retryDue(ws);
            if (judgeUntil != 0 && System.nanoTime() - judgeUntil > 0) {
                judgeUntil = 0;
                standingAtReload = null;
            }
            if (System.nanoTime() - lastNews > PATIENCE.toNanos()) {
                reloads++;
                log.told("reload", conversation, null);
                standingAtReload = standing;
                seenAtReload = transcript.lastSeen;
                return;
            }
            JsonNode f = ws.poll(Duration.ofMillis(100));
            if (f == null) {
                if (System.nanoTime() - lastFrame > Duration.ofSeconds(10).toNanos()) return;
                continue;
            }
            lastFrame = System.nanoTime();
            String op = f.get("op").asString();
            if (!"ping".equals(op)) lastNews = lastFrame;
            if (judgeUntil != 0 && foundNews(op, f)) {
                reloadsThatFoundNews++;
                log.told("reload_found_news", conversation, op);
                judgeUntil = 0;
                standingAtReload = null;
            }
            switch (op) {
                case "queue_position" -> {
                    log.told(op, conversation, f.path("position").asString(null));
                    standing = "queue:" + f.path("position").asString(null);
                }
                case "agent_joined" -> {
                    log.told(op, conversation, f.path("agent").path("id").asString(null));
                    standing = "agent:" + f.path("agent").path("id").asString(null);
                }
                case "message" -> {
                    if (!transcript.arrived(f)) break;
                    if ("agent".equals(f.path("sender").path("kind").asString(null)) && !secondSent && !ended) {
                        secondSent = true;
                        transcript.send(ws, name + "-2", "Thanks!");
                    }
                }
                case "ack" -> transcript.acked(f);
                case "conversation_ended" -> {
                    log.told(op, conversation, f.path("reason").asString(null));
                    standing = "ended";
                    ended = true;
                    // Read to the end: a push may overtake the messages before it.
                    ws.sendFrame("op", "resume", "id", "to-the-end", "positions", Map.of(conversation, transcript.lastSeen));
                }
                case "caught_up" -> {
                    if (ended && "to-the-end".equals(f.path("id").asString(null))) done = true;
                }
                case "error" -> {
                    String code = f.path("code").asString(null);
                    gateway.shown(code);
                    log.told(op, conversation, code);
                    if (f.has("id")) transcript.refusedWith(f.get("id").asString(), code);
                }
                default -> { }
            }
        }
    }

    /** Whether a frame of the session after a reload says what the session before it was never told. */
    private boolean foundNews(String op, JsonNode f) {
        return switch (op) {
            case "queue_position" -> !standingAtReload.equals("queue:" + f.path("position").asString(null));
            case "agent_joined" -> !standingAtReload.equals("agent:" + f.path("agent").path("id").asString(null));
            case "conversation_ended" -> !standingAtReload.equals("ended");
            case "message" -> f.path("seq").asLong() > seenAtReload;
            default -> false;
        };
    }

    /** When it was first told an agent had joined (System.nanoTime), or 0. */
    public long joinedAt() {
        RoutingLog.Entry e = conversation == null ? null : log.first("agent_joined", conversation);
        return e == null ? 0 : e.at();
    }
}
