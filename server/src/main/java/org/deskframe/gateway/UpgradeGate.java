package org.deskframe.gateway;

import java.util.stream.Collectors;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.HttpProblems;
import org.deskframe.diagnostics.LogText;
import org.deskframe.diagnostics.Problem;
import org.deskframe.identity.RegionSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The HTTP side of the gateway's port: takes one request, and either turns the connection into a WebSocket (the
 * stream path with an upgrade, Origin checked by {@link OriginGate}) or answers with a catalogue problem and closes.
 * After the upgrade nothing of the HTTP phase stays in the pipeline: an idle session holds only the WebSocket codec
 * and its {@link StreamChannel}.
 */
@Component
@ChannelHandler.Sharable
class UpgradeGate extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(UpgradeGate.class);
    /** The Origin problem of an upgrade whose session must only carry that error; read once by StreamChannel. */
    static final AttributeKey<Problem> ORIGIN_PROBLEM = AttributeKey.valueOf("deskframe.originProblem");
    /** Largest upgrade request (headers; it has no body): Netty's default header limit. */
    private static final int MAX_REQUEST_BYTES = 8192;
    /** Netty's own limit from a complete upgrade request to the 101 (a server-side step; the client waits on it). */
    private static final int HANDSHAKE_STEP_SECONDS = 10;
    /** The most a text message may take before the transport refuses it (1009); the protocol's own limit is lower. */
    static int transportLimit(GatewaySettings settings) {
        return Math.max(settings.maxFrameBytes() * 4, 256 * 1024);
    }

    private final OriginGate origins;
    private final StreamHandler handler;
    private final Map<String, TransportEndpoint> extraEndpoints;
    private final RegionSettings region;
    private final WebSocketServerProtocolConfig streamConfig;
    private final int transportLimit;
    private final ConnectionAdmission admission;
    private final long upgradeTimeoutMillis;

    UpgradeGate(OriginGate origins, StreamHandler handler, List<TransportEndpoint> extraEndpoints, RegionSettings region,
                GatewaySettings settings, ConnectionAdmission admission) {
        this.admission = admission;
        this.upgradeTimeoutMillis = settings.upgradeTimeout().toMillis();
        this.origins = origins;
        this.handler = handler;
        this.extraEndpoints = extraEndpoints.stream().collect(Collectors.toUnmodifiableMap(
                TransportEndpoint::path, e -> e));
        this.region = region;
        this.transportLimit = transportLimit(settings);
        this.streamConfig = protocol(GatewayEndpoint.PATH, transportLimit);
    }

    /**
     * No permessage-deflate (a compressor per connection costs more than an idle session may), no close frame of
     * Netty's own on close (the gateway always sends the catalogue's), the transport limit per frame, UTF-8 checked
     * (1007 with a reason, RFC 6455 section 8.1).
     */
    private static WebSocketServerProtocolConfig protocol(String path, int limit) {
        return WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(path)
                .checkStartsWith(true)
                .handshakeTimeoutMillis(HANDSHAKE_STEP_SECONDS * 1000L)
                .sendCloseFrame(null)
                .forceCloseTimeoutMillis(StreamSession.FORCE_CLOSE_MS)
                .decoderConfig(WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(limit)
                        .allowExtensions(false)
                        .withUTF8Validator(true)
                        // StreamChannel sends the close frame itself and waits for the peer's answer (see FORCE_CLOSE_MS).
                        .closeOnProtocolViolation(false)
                        .build())
                .build();
    }

    void install(ChannelPipeline pipeline) {
        pipeline.addLast("upgrade-deadline", new UpgradeDeadline());
        pipeline.addLast("http", new HttpServerCodec());
        pipeline.addLast("http-aggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES));
        pipeline.addLast("upgrade-gate", this);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            route(ctx, request);
        } catch (RuntimeException e) {
            request.release();
            throw e;
        }
    }

    private void route(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            Throwable cause = request.decoderResult().cause();
            request.release();
            respond(ctx, cause instanceof TooLongFrameException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : HttpResponseStatus.BAD_REQUEST, Problem.of(ErrorCode.REQUEST_INVALID, Map.of("reason",
                    "the upgrade request could not be read (" + cause.getMessage() + ")")));
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        TransportEndpoint extra = GatewayEndpoint.PATH.equals(path) ? null : extraEndpoints.get(path);
        if (!GatewayEndpoint.PATH.equals(path) && extra == null) {
            request.release();
            respond(ctx, HttpResponseStatus.MISDIRECTED_REQUEST, Problem.of(ErrorCode.ENDPOINT_WRONG_PORT, Map.of(
                    "requested", request.method() + " " + path, "served", "only the gateway WebSocket " + GatewayEndpoint.PATH,
                    "right", region.publicUrl() + path + " for the HTTP API")));
            return;
        }
        if (!"websocket".equalsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE))) {
            request.release();
            FullHttpResponse response = problemResponse(HttpResponseStatus.UPGRADE_REQUIRED, Problem.of(ErrorCode.REQUEST_INVALID,
                    Map.of("reason", GatewayEndpoint.PATH + " is the gateway's WebSocket: open it with a WebSocket upgrade (docs/protocol.md)")));
            response.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
            send(ctx, response);
            return;
        }
        List<String> originHeaders = request.headers().getAll(HttpHeaderNames.ORIGIN);
        if (originHeaders.size() > 1) {
            // Browsers send one Origin and proxies do not add one: two mean a forged or mangled request, and picking
            // either would let the other through unchecked.
            request.release();
            respond(ctx, HttpResponseStatus.FORBIDDEN, Problem.of(ErrorCode.REQUEST_INVALID, Map.of("reason",
                    "the upgrade request carries " + originHeaders.size() + " Origin headers (" + String.join(", ", originHeaders)
                    + "); a browser sends exactly one, so check that no proxy in front of the gateway adds one")));
            return;
        }
        OriginGate.Verdict verdict = origins.check(originHeaders.isEmpty() ? null : originHeaders.getFirst());
        switch (verdict.outcome()) {
            case UPGRADE_REFUSED -> {
                request.release();
                respond(ctx, HttpResponseStatus.FORBIDDEN, verdict.problem());
                return;
            }
            case SESSION_REFUSED -> ctx.channel().attr(ORIGIN_PROBLEM).set(verdict.problem());
            case ALLOWED -> { }
        }
        ChannelPipeline p = ctx.pipeline();
        p.remove("upgrade-deadline");
        p.addAfter(ctx.name(), "ws", new ProtocolHandler(extra == null ? streamConfig : protocol(extra.path(), transportLimit)));
        p.addAfter("ws", "ws-aggregator", new WebSocketFrameAggregator(transportLimit));
        p.addAfter("ws-aggregator", "ws-frames", extra == null ? new StreamChannel(handler) : extra.newConnectionHandler(admission::authenticated));
        // On to the handshake handler "ws" placed right after this one: it answers 101 and swaps the HTTP codec for
        // WebSocket's (and drops the HTTP aggregator).
        ctx.fireChannelRead(request);
        p.remove(this);
    }

    /**
     * Netty's protocol handler, except that a frame the decoder refuses does not close the socket at once: the frames
     * handler sends the close frame with the protocol's code and waits for the peer's answer, so a peer still sending
     * reads the code instead of a connection reset.
     */
    private static final class ProtocolHandler extends WebSocketServerProtocolHandler {
        ProtocolHandler(WebSocketServerProtocolConfig config) {
            super(config);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
            if (cause instanceof CorruptedWebSocketFrameException || cause instanceof TooLongFrameException) {
                ctx.fireExceptionCaught(cause);
            } else {
                super.exceptionCaught(ctx, cause);
            }
        }
    }

    /**
     * The upgrade request's deadline, absolute from accept: bytes that trickle in do not extend it (a read timeout
     * would be re-armed by each, and one byte every few seconds would hold the connection for hours). Removed when
     * the request is complete.
     */
    private final class UpgradeDeadline extends ChannelInboundHandlerAdapter {
        private ScheduledFuture<?> timer;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            timer = ctx.executor().schedule(() -> expire(ctx), upgradeTimeoutMillis, TimeUnit.MILLISECONDS);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            if (timer != null) timer.cancel(false);
        }

        private void expire(ChannelHandlerContext ctx) {
            if (!ctx.channel().isActive()) return;
            admission.upgradeTimedOut();
            log.debug("gateway connection {}: no complete upgrade request within {} ms", ctx.channel().remoteAddress(), upgradeTimeoutMillis);
            ctx.channel().config().setAutoRead(false);
            // Written below the HTTP codec, which may hold half a request.
            ctx.writeAndFlush(ConnectionAdmission.rawResponse(HttpResponseStatus.REQUEST_TIMEOUT, Problem.of(ErrorCode.UPGRADE_TIMEOUT,
                    Map.of("seconds", Math.max(1, upgradeTimeoutMillis / 1000))))).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("gateway connection {} failed before its upgrade: {}", ctx.channel().remoteAddress(), LogText.escape(cause.toString()));
        ctx.close();
    }

    private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, Problem problem) {
        send(ctx, problemResponse(status, problem));
    }

    private static FullHttpResponse problemResponse(HttpResponseStatus status, Problem problem) {
        log.info("gateway HTTP {} {}", status.code(), problem.toLogLine());
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(HttpProblems.body(problem)));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }

    private static void send(ChannelHandlerContext ctx, FullHttpResponse response) {
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
