package org.deskframe.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A WebSocket client that writes frames byte by byte, for the frame-level harness: it can send what no well-behaved
 * client library would (invalid UTF-8, fragments, oversized or binary frames) and reports exactly what came back.
 */
public final class RawWebSocket implements AutoCloseable {

    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CONTINUATION = 0x0;
    public static final int CLOSE = 0x8;

    /** A frame received from the server. */
    public record Frame(int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }

        public String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    public RawWebSocket(String host, int port, String path) throws IOException {
        this(host, port, path, null);
    }

    /** Connecting from {@code localAddress} (for per-address limits: any 127.x.y.z is this machine's loopback). */
    public RawWebSocket(String host, int port, String path, String localAddress) throws IOException {
        this(host, port, path, localAddress, 0);
    }

    /**
     * With {@code receiveBufferBytes} > 0 the socket's receive buffer (and so the TCP window it offers) is that small,
     * set before connecting: a reader that stops reading then backs the server up after a few kilobytes.
     */
    public RawWebSocket(String host, int port, String path, String localAddress, int receiveBufferBytes) throws IOException {
        socket = new Socket();
        if (receiveBufferBytes > 0) socket.setReceiveBufferSize(receiveBufferBytes);
        if (localAddress != null) socket.bind(new java.net.InetSocketAddress(localAddress, 0));
        socket.connect(new java.net.InetSocketAddress(host, port), 5_000);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) head.append((char) in.readUnsignedByte());
        if (!head.toString().startsWith("HTTP/1.1 101")) throw new IOException("upgrade refused: " + head + refusalBody());
    }

    /** What follows a refusal's headers (the problem body), read until the server stops sending, at most 4 KB. */
    private String refusalBody() {
        StringBuilder body = new StringBuilder();
        try {
            socket.setSoTimeout(1000);
            for (int b = in.read(); b >= 0 && body.length() < 4096; b = in.read()) body.append((char) b);
        } catch (IOException endOfWhatWasSent) {
            // a timeout or a reset: the body so far is what there is
        }
        return body.toString();
    }

    /** Sends one frame, masked as clients must. */
    public void sendFrame(boolean fin, int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write((fin ? 0x80 : 0) | opcode);
        int len = payload.length;
        if (len < 126) {
            f.write(0x80 | len);
        } else if (len <= 0xffff) {
            f.write(0x80 | 126);
            f.write(len >>> 8);
            f.write(len & 0xff);
        } else {
            f.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) f.write((int) (((long) len >>> (8 * i)) & 0xff));
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        f.write(mask);
        for (int i = 0; i < len; i++) f.write(payload[i] ^ mask[i % 4]);
        out.write(f.toByteArray());
        out.flush();
    }

    public void sendText(String text) throws IOException {
        sendFrame(true, TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** One unmasked server frame (RFC 6455 section 5.2) from any stream. */
    public static Frame readFrom(DataInputStream in) throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7f;
        if (len == 126) len = in.readUnsignedShort();
        else if (len == 127) len = in.readLong();
        byte[] payload = new byte[(int) len];
        in.readFully(payload);
        return new Frame(b0 & 0x0f, payload);
    }

    /** The next frame from the server, or null when the connection ends or stays silent for 10 s. */
    public Frame read() throws IOException {
        try {
            return readFrom(in);
        } catch (java.io.EOFException | SocketTimeoutException | java.net.SocketException e) {
            return null;
        }
    }

    /** Reads until the close frame (answering nothing); returns it, or null if the socket just ended. */
    public Frame readUntilClose() throws IOException {
        for (Frame f = read(); f != null; f = read()) {
            if (f.opcode() == CLOSE) return f;
        }
        return null;
    }

    /** The next text frame, skipping pings. */
    public Frame readText() throws IOException {
        for (Frame f = read(); f != null; f = read()) {
            if (f.opcode() == TEXT && !f.text().contains("\"op\":\"ping\"")) return f;
            if (f.opcode() == CLOSE) return f;
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
