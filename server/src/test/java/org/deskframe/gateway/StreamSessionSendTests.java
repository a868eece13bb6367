package org.deskframe.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.deskframe.testing.RawWebSocket;
import org.deskframe.testing.RawWebSocket.Frame;
import org.junit.jupiter.api.Test;

/**
 * The session's send path over a real TCP connection (Netty server side, a plain socket as the client): frames go out
 * in the order they were sent, and a reader so slow that more than the send buffer waits for it is closed with the
 * catalogue's {@code session.slow_consumer} (4003) after exactly the frames sent before, never with some skipped.
 */
class StreamSessionSendTests {

    private EventLoopGroup group;
    private Channel listener;
    private final CompletableFuture<Channel> accepted = new CompletableFuture<>();

    /** A listener whose connections start writing to a slow reader's socket after {@code highWater} bytes wait. */
    void listen(int highWater) {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                // Tiny kernel and Netty buffers, so a reader that stops reading is felt after a few KB.
                .childOption(ChannelOption.SO_SNDBUF, 4096)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(Math.min(1024, highWater / 2), highWater))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new WebSocket13FrameEncoder(false));
                        accepted.complete(ch);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
    }

    @AfterEach
    void close() {
        if (listener == null) return;
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** A session on the server's end of the connection just opened. */
    private StreamSession acceptedSession() throws Exception {
        return new StreamSession(accepted.get(5, TimeUnit.SECONDS), new TokenBucket(50, 100));
    }

    private Socket connect(int receiveBuffer) throws Exception {
        Socket client = new Socket();
        client.setReceiveBufferSize(receiveBuffer);
        client.connect(listener.localAddress());
        client.setSoTimeout(10_000);
        return client;
    }

    @Test
    void framesFromSeveralThreadsArriveWholeAndEachThreadsInOrder() throws Exception {
        listen(1024 * 1024);
        try (Socket client = connect(64 * 1024)) {
            StreamSession session = acceptedSession();
            // The client reads while the senders write (a reader that keeps up is never closed as slow).
            CompletableFuture<List<String>> received = CompletableFuture.supplyAsync(() -> {
                List<String> frames = new ArrayList<>();
                try {
                    DataInputStream in = new DataInputStream(client.getInputStream());
                    while (frames.size() < 1000) frames.add(readFrame(in).text());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return frames;
            });
            List<Thread> senders = new ArrayList<>();
            java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                senders.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < 250; i++) {
                        if (!session.send(thread + ":" + i)) refused.incrementAndGet();
                    }
                }));
            }
            for (Thread s : senders) s.join(10_000);
            int[] next = new int[4];
            for (String frame : received.get(10, TimeUnit.SECONDS)) {
                String[] parts = frame.split(":");
                int thread = Integer.parseInt(parts[0]);
                assertThat(Integer.parseInt(parts[1])).as("thread %d's frames in order", thread).isEqualTo(next[thread]++);
            }
            assertThat(next).containsOnly(250);
            assertThat(refused.get()).isZero();
            assertThat(session.state).isEqualTo(StreamSession.State.AWAITING_AUTH);
        }
    }

    @Test
    void framesSentWhileHeldLeaveOnReleaseInCallOrderBeforeAnySentAfterAndAFullBatchLeavesAtOnce() throws Exception {
        listen(1024 * 1024);
        try (Socket client = connect(64 * 1024)) {
            StreamSession session = acceptedSession();
            DataInputStream in = new DataInputStream(client.getInputStream());
            session.hold();
            session.send("ready");
            // Another thread's push while held joins the batch, in call order.
            Thread.ofVirtual().start(() -> session.send("push")).join(5_000);
            session.send("standing");
            client.setSoTimeout(300);
            assertThat(readsNothing(in)).as("nothing leaves while held").isTrue();
            client.setSoTimeout(10_000);
            session.release();
            session.send("after");
            assertThat(List.of(readFrame(in).text(), readFrame(in).text(), readFrame(in).text(), readFrame(in).text()))
                    .containsExactly("ready", "push", "standing", "after");

            session.hold();
            for (int i = 0; i < StreamSession.MAX_HELD; i++) session.send("b" + i);
            // A full batch is written without waiting for the release (a long run is never kept back whole).
            for (int i = 0; i < StreamSession.MAX_HELD; i++) assertThat(readFrame(in).text()).isEqualTo("b" + i);
            session.send("tail");
            session.close(4003, "session.slow_consumer");
            assertThat(readFrame(in).text()).as("a close releases what was held first").isEqualTo("tail");
            assertThat(readFrame(in).closeCode()).isEqualTo(4003);
        }
    }

    private static boolean readsNothing(DataInputStream in) throws IOException {
        try {
            in.read();
            return false;
        } catch (java.net.SocketTimeoutException expected) {
            return true;
        }
    }

    @Test
    void aReaderBehindByMoreThanTheSendBufferIsClosedWithSlowConsumerAfterExactlyTheFramesBefore() throws Exception {
        listen(16 * 1024);
        try (Socket client = connect(4096)) {
            StreamSession session = acceptedSession();
            // The client reads nothing: kernel buffers fill, then Netty's queue passes the 16 KB high-water mark.
            int sent = sendUntilRefused(session::send);
            assertThat(session.state).isEqualTo(StreamSession.State.CLOSED);
            assertThat(session.send("later")).isFalse();

            DataInputStream in = new DataInputStream(client.getInputStream());
            for (int i = 0; i < sent; i++) {
                Frame f = readFrame(in);
                assertThat(f.opcode()).isEqualTo(1);
                assertThat(f.text()).startsWith(i + ":");
            }
            Frame close = readFrame(in);
            assertThat(close.opcode()).isEqualTo(8);
            assertThat(close.closeCode()).isEqualTo(4003);
            assertThat(close.closeReason()).isEqualTo("session.slow_consumer");
            // The client never answers the close frame: the server cuts the connection after its grace period.
            await().atMost(Duration.ofSeconds(10)).until(() -> !session.channel.isOpen());
            assertThat(readsToEnd(in)).isTrue();
        }
    }

    @Test
    void aBulkRunWaitsForAReaderThatPausesInsteadOfClosingIt() throws Exception {
        listen(16 * 1024);
        try (Socket client = connect(4096)) {
            StreamSession session = acceptedSession();
            String filler = "x".repeat(1000);
            // The reader starts only after a pause, long after the 16 KB buffer filled up.
            CompletableFuture<List<String>> received = CompletableFuture.supplyAsync(() -> {
                List<String> frames = new ArrayList<>();
                try {
                    Thread.sleep(500);
                    DataInputStream in = new DataInputStream(client.getInputStream());
                    while (frames.size() < 200) frames.add(readFrame(in).text());
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return frames;
            });
            for (int i = 0; i < 200; i++) {
                assertThat(session.sendPaced(i + ":" + filler, 5_000)).as("frame %d", i).isTrue();
            }
            List<String> frames = received.get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 200; i++) assertThat(frames.get(i)).startsWith(i + ":");
            assertThat(session.state).isEqualTo(StreamSession.State.AWAITING_AUTH);
        }
    }

    @Test
    void aBulkRunToAReaderThatNeverReadsGivesUpWithSlowConsumer() throws Exception {
        listen(16 * 1024);
        try (Socket client = connect(4096)) {
            StreamSession session = acceptedSession();
            long started = System.nanoTime();
            int sent = sendUntilRefused(frame -> session.sendPaced(frame, 300));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            assertThat(session.state).isEqualTo(StreamSession.State.CLOSED);
            DataInputStream in = new DataInputStream(client.getInputStream());
            for (int i = 0; i < sent; i++) assertThat(readFrame(in).text()).startsWith(i + ":");
            assertThat(readFrame(in).closeCode()).isEqualTo(4003);
        }
    }

    private static Frame readFrame(DataInputStream in) throws IOException {
        return RawWebSocket.readFrom(in);
    }

    /** Sends numbered frames with {@code send} until it refuses one; returns how many it took. */
    private static int sendUntilRefused(java.util.function.Predicate<String> send) {
        String filler = "x".repeat(1000);
        int sent = 0;
        while (sent < 10_000 && send.test(sent + ":" + filler)) sent++;
        assertThat(sent).isBetween(1, 9_999);
        return sent;
    }

    private static boolean readsToEnd(DataInputStream in) throws IOException {
        try {
            return in.read() == -1;
        } catch (EOFException | java.net.SocketException e) {
            return true;
        }
    }
}
