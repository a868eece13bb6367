package org.deskframe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * The session's own send path (it replaced Spring's ConcurrentWebSocketSessionDecorator): one writer at a time,
 * frames sent meanwhile go out after it in order, and a reader that falls behind by more than the send buffer is
 * closed with the catalogue's {@code session.slow_consumer} (4003), never silently skipped.
 */
class StreamSessionSendTests {

    /** A socket whose writes can be held up, recording what was written and how it was closed. */
    static final class FakeSocket {
        final List<String> written = new CopyOnWriteArrayList<>();
        final AtomicReference<CloseStatus> closed = new AtomicReference<>();
        final AtomicInteger writersNow = new AtomicInteger();
        final AtomicInteger mostWritersAtOnce = new AtomicInteger();
        volatile CountDownLatch hold = new CountDownLatch(0);
        final CountDownLatch firstWriteStarted = new CountDownLatch(1);

        WebSocketSession session() {
            return (WebSocketSession) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {WebSocketSession.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "isOpen" -> closed.get() == null;
                        case "sendMessage" -> {
                            mostWritersAtOnce.accumulateAndGet(writersNow.incrementAndGet(), Math::max);
                            firstWriteStarted.countDown();
                            hold.await(10, TimeUnit.SECONDS);
                            written.add(((TextMessage) args[0]).getPayload());
                            writersNow.decrementAndGet();
                            yield null;
                        }
                        case "close" -> {
                            closed.set(args.length == 0 ? CloseStatus.NORMAL : (CloseStatus) args[0]);
                            yield null;
                        }
                        case "getId" -> "fake";
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "FakeSocket";
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }
    }

    private static StreamSession session(FakeSocket socket, int sendBufferBytes) {
        return new StreamSession(socket.session(), new TokenBucket(50, 100), sendBufferBytes);
    }

    @Test
    void framesSentWhileAnotherThreadWritesGoOutAfterItInOrderWithOneWriterAtATime() throws Exception {
        FakeSocket socket = new FakeSocket();
        socket.hold = new CountDownLatch(1);
        StreamSession session = session(socket, 1024 * 1024);

        Thread first = Thread.ofVirtual().start(() -> session.send("f0"));
        assertThat(socket.firstWriteStarted.await(5, TimeUnit.SECONDS)).isTrue();
        for (int i = 1; i <= 5; i++) {
            // The writer is held up: these return at once (queued), without waiting for it.
            assertThat(session.send("f" + i)).isTrue();
        }
        assertThat(socket.written).isEmpty();
        socket.hold.countDown();
        first.join(5_000);

        assertThat(socket.written).containsExactly("f0", "f1", "f2", "f3", "f4", "f5");
        assertThat(socket.mostWritersAtOnce.get()).isEqualTo(1);
        assertThat(socket.closed.get()).isNull();
        assertThat(session.send("f6")).isTrue();
        assertThat(socket.written).endsWith("f6");
    }

    @Test
    void aReaderBehindByMoreThanTheSendBufferIsClosedWithSlowConsumer() throws Exception {
        FakeSocket socket = new FakeSocket();
        socket.hold = new CountDownLatch(1);
        StreamSession session = session(socket, 100);

        Thread first = Thread.ofVirtual().start(() -> session.send("first"));
        assertThat(socket.firstWriteStarted.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(session.send("x".repeat(60))).isTrue();
        assertThat(session.send("y".repeat(60))).isFalse(); // 120 bytes waiting > 100

        assertThat(socket.closed.get().getCode()).isEqualTo(4003);
        assertThat(socket.closed.get().getReason()).isEqualTo("session.slow_consumer");
        assertThat(session.state).isEqualTo(StreamSession.State.CLOSED);
        socket.hold.countDown();
        first.join(5_000);
        assertThat(socket.written).containsExactly("first"); // the queued frames are not sent after the close
        assertThat(session.send("later")).isFalse();
    }
}
