package org.deskframe.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A TURN allocation over UDP (RFC 8656 with the long-term credential mechanism of RFC 8489), the first thing a
 * browser's ICE agent does with a TURN server: Allocate, answered 401 with realm and nonce, Allocate again with
 * MESSAGE-INTEGRITY, then a Refresh with lifetime 0 so the allocation does not linger. What {@code doctor} uses to
 * tell that the credentials the platform hands out are the ones the TURN server accepts.
 */
final class TurnProbe {

    sealed interface Outcome {
        record Allocated(String relayed) implements Outcome {}
        record Refused(int errorCode, String reason) implements Outcome {}
        record Unreachable(String reason) implements Outcome {}
    }

    private static final int MAGIC = 0x2112A442;
    private static final int ALLOCATE = 0x0003, REFRESH = 0x0004;
    private static final int ATTR_USERNAME = 0x0006, ATTR_MESSAGE_INTEGRITY = 0x0008, ATTR_ERROR_CODE = 0x0009,
            ATTR_LIFETIME = 0x000D, ATTR_REALM = 0x0014, ATTR_NONCE = 0x0015, ATTR_XOR_RELAYED_ADDRESS = 0x0016,
            ATTR_REQUESTED_TRANSPORT = 0x0019;
    private static final SecureRandom RANDOM = new SecureRandom();

    private TurnProbe() {}

    /** {@code turn:host[:port][?transport=udp]}; TCP and TLS URLs are not probed (this is the UDP path). */
    static boolean probes(String url) {
        return url.startsWith("turn:") && !url.contains("transport=tcp");
    }

    static Outcome allocate(String url, String username, String password, Duration timeout) {
        String hostPort = url.substring("turn:".length()).split("\\?")[0];
        URI u = URI.create("turn://" + hostPort);
        int port = u.getPort() > 0 ? u.getPort() : 3478;
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout((int) timeout.toMillis());
            socket.connect(new InetSocketAddress(u.getHost(), port));
            Message first = exchange(socket, request(ALLOCATE, null, null, null, null));
            if (first.type() == (ALLOCATE | 0x0100)) return new Outcome.Allocated(first.relayed());
            if (first.errorCode() != 401 || first.realm() == null || first.nonce() == null) {
                return new Outcome.Refused(first.errorCode(), first.reason());
            }
            byte[] key = md5(username + ":" + first.realm() + ":" + password);
            Message second = exchange(socket, request(ALLOCATE, username, first.realm(), first.nonce(), key));
            if (second.type() != (ALLOCATE | 0x0100)) return new Outcome.Refused(second.errorCode(), second.reason());
            exchange(socket, request(REFRESH, username, first.realm(), first.nonce(), key));
            return new Outcome.Allocated(second.relayed());
        } catch (SocketTimeoutException e) {
            return new Outcome.Unreachable("no answer from " + u.getHost() + ":" + port + "/udp within " + timeout.toSeconds() + " s");
        } catch (IOException e) {
            return new Outcome.Unreachable(e.getMessage());
        }
    }

    private record Message(int type, int errorCode, String reason, String realm, String nonce, String relayed) {}

    private static Message exchange(DatagramSocket socket, byte[] request) throws IOException {
        socket.send(new DatagramPacket(request, request.length));
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        return parse(ByteBuffer.wrap(buf, 0, p.getLength()));
    }

    private static byte[] request(int method, String username, String realm, String nonce, byte[] key) {
        ByteArrayOutputStream attrs = new ByteArrayOutputStream();
        if (method == ALLOCATE) attribute(attrs, ATTR_REQUESTED_TRANSPORT, new byte[]{17, 0, 0, 0});
        else attribute(attrs, ATTR_LIFETIME, new byte[]{0, 0, 0, 0});
        if (username != null) {
            attribute(attrs, ATTR_USERNAME, username.getBytes(StandardCharsets.UTF_8));
            attribute(attrs, ATTR_REALM, realm.getBytes(StandardCharsets.UTF_8));
            attribute(attrs, ATTR_NONCE, nonce.getBytes(StandardCharsets.UTF_8));
        }
        byte[] body = attrs.toByteArray();
        byte[] tid = new byte[12];
        RANDOM.nextBytes(tid);
        int length = body.length + (key != null ? 24 : 0);
        ByteBuffer m = ByteBuffer.allocate(20 + length);
        m.putShort((short) method).putShort((short) length).putInt(MAGIC).put(tid).put(body);
        if (key != null) {
            // HMAC-SHA1 over everything before the attribute, with the length already counting it (RFC 8489 14.5).
            byte[] covered = new byte[20 + body.length];
            System.arraycopy(m.array(), 0, covered, 0, covered.length);
            m.putShort((short) ATTR_MESSAGE_INTEGRITY).putShort((short) 20).put(hmacSha1(key, covered));
        }
        return m.array();
    }

    private static void attribute(ByteArrayOutputStream out, int type, byte[] value) {
        out.write(type >> 8);
        out.write(type);
        out.write(value.length >> 8);
        out.write(value.length);
        out.writeBytes(value);
        for (int i = value.length; i % 4 != 0; i++) out.write(0);
    }

    private static Message parse(ByteBuffer b) throws IOException {
        if (b.remaining() < 20) throw new IOException("not a STUN message (" + b.remaining() + " bytes)");
        int type = b.getShort() & 0xffff;
        int length = b.getShort() & 0xffff;
        if (b.getInt() != MAGIC) throw new IOException("not a STUN message (no magic cookie)");
        b.position(b.position() + 12);
        int error = 0;
        String reason = null, realm = null, nonce = null, relayed = null;
        int end = 20 + Math.min(length, b.remaining());
        while (b.position() + 4 <= end) {
            int t = b.getShort() & 0xffff;
            int len = b.getShort() & 0xffff;
            byte[] v = new byte[Math.min(len, end - b.position())];
            b.get(v);
            b.position(Math.min(end, b.position() + (4 - len % 4) % 4));
            switch (t) {
                case ATTR_ERROR_CODE -> {
                    error = (v[2] & 0x7) * 100 + (v[3] & 0xff);
                    reason = new String(v, 4, v.length - 4, StandardCharsets.UTF_8);
                }
                case ATTR_REALM -> realm = new String(v, StandardCharsets.UTF_8);
                case ATTR_NONCE -> nonce = new String(v, StandardCharsets.UTF_8);
                case ATTR_XOR_RELAYED_ADDRESS -> {
                    if (v.length >= 8 && v[1] == 1) {
                        int port = ((v[2] & 0xff) << 8 | (v[3] & 0xff)) ^ (MAGIC >>> 16);
                        int ip = ByteBuffer.wrap(v, 4, 4).getInt() ^ MAGIC;
                        relayed = ((ip >>> 24) & 0xff) + "." + ((ip >>> 16) & 0xff) + "." + ((ip >>> 8) & 0xff) + "." + (ip & 0xff) + ":" + port;
                    }
                }
                default -> { }
            }
        }
        return new Message(type, error, reason, realm, nonce, relayed);
    }

    private static byte[] md5(String s) {
        try {
            return MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmacSha1(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
