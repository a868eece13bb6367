package org.deskframe.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fault suite's proxy against a loopback echo server: it forwards, delays, holds while black-holed, resets. */
class FaultyTcpProxyTests {

    ServerSocket echo;
    FaultyTcpProxy proxy;

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException gone) {
                            // the proxy reset it
                        }
                    });
                } catch (IOException closed) {
                    return;
                }
            }
        });
        proxy = new FaultyTcpProxy(echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    @Test
    void whenBlackHoledNothingComesBackUntilRestoredThenWhatWasHeldArrives() throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            s.setSoTimeout(2_000);
            assertThat(roundTrip(s, "a")).isEqualTo("a");
            proxy.blackHole();
            s.setSoTimeout(500);
            s.getOutputStream().write('b');
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            proxy.restore();
            s.setSoTimeout(2_000);
            assertThat(s.getInputStream().read()).isEqualTo('b');
        }
    }

    @Test
    void aDelayHoldsEachChunkAtLeastThatLongEachWay() throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            s.setSoTimeout(5_000);
            proxy.delay(Duration.ofMillis(300));
            long began = System.nanoTime();
            assertThat(roundTrip(s, "c")).isEqualTo("c");
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isGreaterThanOrEqualTo(Duration.ofMillis(600));
        }
    }

    @Test
    void aResetEndsOpenConnectionsAndRefusesNewOnesUntilRestored() throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            s.setSoTimeout(2_000);
            assertThat(roundTrip(s, "d")).isEqualTo("d");
            proxy.reset();
            assertThatThrownBy(() -> {
                for (int i = 0; i < 3; i++) roundTrip(s, "e");
            }).isInstanceOf(IOException.class);
        }
        try (Socket again = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            again.setSoTimeout(2_000);
            assertThatThrownBy(() -> roundTrip(again, "f")).isInstanceOf(IOException.class);
        }
        proxy.restore();
        try (Socket restored = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            restored.setSoTimeout(2_000);
            assertThat(roundTrip(restored, "g")).isEqualTo("g");
        }
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes());
        int b = s.getInputStream().read();
        if (b < 0) throw new IOException("closed");
        return String.valueOf((char) b);
    }
}
