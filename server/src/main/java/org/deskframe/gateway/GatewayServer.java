package org.deskframe.gateway;

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
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.deskframe.identity.RegionSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The gateway's own listener: Netty, on {@code deskframe.gateway.port}. Netty was chosen by measurement: an idle
 * authenticated session costs about a third of what it did on the servlet stack (docs/scaling.md, docs/benchmarks.md),
 * and the servlet container stays for the HTTP API and the authorization server, which need it.
 *
 * <p>Starts after every other bean and stops just after {@link SessionSweeper} has told every session
 * {@code server.restarting}, so the close frames it queued still go out.
 */
@Component
class GatewayServer implements SmartLifecycle, GatewayEndpoint {

    private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);
    /**
     * Listen backlog: a node restart sends every widget back at once, and the default (128) turned such bursts into
     * SYN retries and second-long handshakes on Jetty (shared/STACK.md).
     */
    static final int ACCEPT_QUEUE = 4096;

    private final GatewaySettings settings;
    private final UpgradeGate gate;
    private final ConnectionAdmission admission;
    private EventLoopGroup group;
    private EventLoopGroup acceptor;
    private Channel listener;
    private volatile int port = -1;

    private final boolean httpUsesTls;

    private final RegionSettings region;

    GatewayServer(GatewaySettings settings, UpgradeGate gate, ConnectionAdmission admission, RegionSettings region,
                  org.springframework.core.env.Environment environment) {
        this.settings = settings;
        this.region = region;
        this.gate = gate;
        this.admission = admission;
        this.httpUsesTls = environment.getProperty("server.ssl.enabled", Boolean.class, false)
                || environment.getProperty("server.ssl.bundle") != null;
    }

    /** The system property that sets Netty's leak detection (Netty's own name for it). */
    static final String LEAK_DETECTION_PROPERTY = "io.netty.leakDetection.level";

    /**
     * Netty's leak detection for this process: off unless the property asks for a level. Netty's default samples one
     * buffer in 128 and builds a stack trace for each sample, ~34 a second on an idle node (docs/benchmarks.md, c3),
     * which is what it costs a node in production; the test suites set it to advanced (the root pom.xml).
     */
    static ResourceLeakDetector.Level leakDetection(String configured) {
        if (configured == null || configured.isBlank()) return ResourceLeakDetector.Level.DISABLED;
        try {
            return ResourceLeakDetector.Level.valueOf(configured.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(LEAK_DETECTION_PROPERTY + "=" + configured
                    + ": expected one of disabled, simple, advanced, paranoid", e);
        }
    }

    @Override
    public void start() {
        ResourceLeakDetector.setLevel(leakDetection(System.getProperty(LEAK_DETECTION_PROPERTY)));
        // Frames are handled on virtual threads (StreamChannel), so the I/O threads only encode and decode.
        group = new MultiThreadIoEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()),
                new DefaultThreadFactory("deskframe-gateway-io", true), NioIoHandler.newFactory());
        // Accepts on a thread of their own: under a flood of connects (each refused one is accepted, answered and closed)
        // the sessions' I/O does not delay the accept loop, and the accept loop does not delay the sessions.
        acceptor = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("deskframe-gateway-accept", true), NioIoHandler.newFactory());
        int high = settings.sendBufferBytes();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptor, group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, ACCEPT_QUEUE)
                .option(ChannelOption.SO_REUSEADDR, true)
                // Counts and judges every accepted connection before it gets a pipeline (ConnectionAdmission).
                .handler(admission.acceptCounter())
                .childOption(ChannelOption.TCP_NODELAY, true)
                // A session whose unsent frames pass the send buffer becomes unwritable: StreamSession then closes it
                // with session.slow_consumer instead of buffering without bound.
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(Math.min(32 * 1024, high / 2), high))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (!admission.pickUp(ch)) gate.install(ch.pipeline());
                    }
                });
        InetSocketAddress address = settings.address() == null ? new InetSocketAddress(settings.port())
                : new InetSocketAddress(settings.address(), settings.port());
        try {
            listener = bootstrap.bind(address).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException("The gateway could not listen on " + address + " (" + e.getMessage()
                    + "). Free that port or set deskframe.gateway.port (DESKFRAME_GATEWAY_PORT) to another one.", e);
        }
        port = ((InetSocketAddress) listener.localAddress()).getPort();
        ConnectionAdmission.Limits limits = admission.start(listener);
        if (httpUsesTls && settings.publicUrl() == null) {
            // Pages served over https may only open wss://, and this port speaks plain WebSocket (TLS per connection
            // would cost more than an idle session may): the widgets would fail to connect.
            log.warn("The HTTP API uses TLS but the gateway on port {} speaks plain WebSocket and has no public URL: widgets on"
                    + " https pages cannot connect. Terminate TLS for the gateway in a proxy or load balancer and set"
                    + " deskframe.gateway.public-url to its wss:// URL (docs/protocol.md).", port);
        }
        log.info("Gateway listening on {} port {}; clients connect to {}", settings.address() == null ? "all interfaces"
                : settings.address(), port, settings.publicUrl() != null ? settings.publicUrl() : "ws://<platform host>:" + port + PATH);
        log.info("Gateway connections: at most {} ({}; open-file limit {}, {} open at start, {} kept for the HTTP API, database,"
                + " Redis and health), at most {} not yet authenticated ({} per address), upgrade request within {} s",
                limits.maxConnections(), settings.maxConnections() > 0 ? "deskframe.gateway.max-connections" : "derived",
                limits.openFileLimit(), limits.openAtStart(), limits.reserve(), settings.maxUnauthenticated(),
                settings.maxUnauthenticatedPerAddress() == 0 ? "no cap" : settings.maxUnauthenticatedPerAddress(),
                settings.upgradeTimeout().toSeconds());
    }

    @Override
    public void stop() {
        if (listener != null) listener.close().syncUninterruptibly();
        if (acceptor != null) acceptor.shutdownGracefully(0, 1000, TimeUnit.MILLISECONDS).syncUninterruptibly();
        if (group != null) group.shutdownGracefully(100, 3000, TimeUnit.MILLISECONDS).syncUninterruptibly();
        listener = null;
        group = null;
        acceptor = null;
    }

    @Override
    public boolean isRunning() {
        return listener != null;
    }

    /** Just below {@link SessionSweeper}: started before it accepts sessions, stopped after it closed them. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1;
    }

    @Override
    public String streamUrl(String scheme, String host) {
        return streamUrl(settings.publicUrl(), region.platformOrigins(), scheme, host, port);
    }

    /**
     * The gateway URL for a request that reached the platform as {@code scheme://host}. Only the platform's own names
     * (its public URL's host and that host's loopback twin) are echoed back: a page fetched with a foreign {@code Host}
     * header, through a misrouted proxy or a poisoned cache, must not point its widget's socket and CSP elsewhere.
     */
    static String streamUrl(String publicUrl, Set<String> platformOrigins, String scheme, String host, int port) {
        if (publicUrl != null) return publicUrl;
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean ours = platformOrigins.stream().map(URI::create).anyMatch(o -> bare.equalsIgnoreCase(o.getHost())
                || ("[" + bare + "]").equalsIgnoreCase(o.getHost()));
        if (!ours) {
            URI platform = URI.create(platformOrigins.iterator().next());
            scheme = platform.getScheme();
            host = platform.getHost();
        }
        String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        return ("https".equals(scheme.toLowerCase(Locale.ROOT)) ? "wss" : "ws") + "://" + h + ":" + port + PATH;
    }
}
