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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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

    @BeforeEach
    void listen() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                // Tiny kernel and Netty buffers, so a reader that stops reading is felt after a few KB.
                .childOption(ChannelOption.SO_SNDBUF, 4096)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1024, 16 * 1024))
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
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
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
        try (Socket client = connect(64 * 1024)) {
            StreamSession session = new StreamSession(accepted.get(5, TimeUnit.SECONDS), new TokenBucket(50, 100));
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                senders.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < 250; i++) assertThat(session.send(thread + ":" + i)).isTrue();
                }));
            }
            for (Thread s : senders) s.join(10_000);
            DataInputStream in = new DataInputStream(client.getInputStream());
            int[] next = new int[4];
            for (int n = 0; n < 1000; n++) {
                String[] frame = readFrame(in).text().split(":");
                int thread = Integer.parseInt(frame[0]);
                assertThat(Integer.parseInt(frame[1])).as("thread %d's frames in order", thread).isEqualTo(next[thread]++);
            }
            assertThat(next).containsOnly(250);
        }
    }

    @Test
    void aReaderBehindByMoreThanTheSendBufferIsClosedWithSlowConsumerAfterExactlyTheFramesBefore() throws Exception {
        try (Socket client = connect(4096)) {
            StreamSession session = new StreamSession(accepted.get(5, TimeUnit.SECONDS), new TokenBucket(50, 100));
            String filler = "x".repeat(1000);
            int sent = 0;
            // The client reads nothing: kernel buffers fill, then Netty's queue passes the 16 KB high-water mark.
            while (sent < 10_000 && session.send(sent + ":" + filler)) sent++;
            assertThat(sent).isBetween(1, 9_999);
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

    private record Frame(int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }

        String closeReason() {
            return new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }
    }

    /** One unmasked server frame (RFC 6455 section 5.2). */
    private static Frame readFrame(DataInputStream in) throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long length = b1 & 0x7f;
        if (length == 126) length = in.readUnsignedShort();
        else if (length == 127) length = in.readLong();
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new Frame(b0 & 0x0f, payload);
    }

    private static boolean readsToEnd(DataInputStream in) throws IOException {
        try {
            return in.read() == -1;
        } catch (EOFException | java.net.SocketException e) {
            return true;
        }
    }
}
