package io.reachproof.agent.probe;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.string.StringDecoder;
import io.reachproof.agent.wire.IdentityWire;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.Protocol;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One TCP or HTTP attempt on one event loop: connect, then (agent targets) read the identity banner, or
 * (HTTP) send the request and read the response head. The attempt's deadline is a task scheduled on the
 * same loop, so every field is confined to that loop.
 *
 * <p>After the handshake, an agent target that does not prove its identity (no banner, a foreign banner,
 * an HTTP response without the agent header) is {@link Outcome#WRONG_PEER}: something answered, but not
 * provably the agent we meant (a pod reusing the IP, or a proxy such as a mesh sidecar that accepts every
 * connection). That keeps the cell inconclusive instead of turning an unproven answer into a HOLE.
 */
final class StreamAttempt extends ChannelAttempt {

    /** The handler of a plain TCP probe's channel: it does nothing (the connect future tells the outcome). */
    private static final ChannelHandler NO_HANDLER = new NoHandler();

    @ChannelHandler.Sharable
    private static final class NoHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // the attempt is already decided when this channel can fail
        }
    }

    private final ProbeTask task;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private final boolean http;
    private final Consumer<AttemptResult> done;
    private boolean connected;

    private final ChannelFactory<? extends Channel> channels;

    /**
     * @param channels makes the attempt's channel (in the namespace the probe leaves from)
     * @param local the address the connection leaves from; null: the kernel's choice
     */
    StreamAttempt(EventLoop loop, ChannelFactory<? extends Channel> channels, ProbeTask task,
            InetSocketAddress remote, InetSocketAddress local, Consumer<AttemptResult> done) {
        super(loop);
        this.local = local;
        this.channels = channels;
        this.task = task;
        this.remote = remote;
        this.http = task.protocol() == Protocol.HTTP;
        this.done = done;
    }

    /** Starts the attempt; must run on {@code loop}. */
    void start() {
        boolean plainTcp = !http && task.expectedAgentId() == null;
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channelFactory(channels)
                // our own deadline decides: no second timer per connect
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 0)
                // close with RST: a prober opening thousands of connections must not pile up TIME_WAIT
                .option(ChannelOption.SO_LINGER, 0)
                // a plain TCP probe reads nothing: no read interest, no handler
                .option(ChannelOption.AUTO_READ, !plainTcp)
                .handler(plainTcp ? NO_HANDLER : new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (http) {
                            ch.pipeline().addLast(new HttpClientCodec(4096, 16384, 8192), new ResponseHandler());
                        } else {
                            ch.pipeline().addLast(
                                    new LineBasedFrameDecoder(IdentityWire.MAX_BANNER_LENGTH + 1, true, false),
                                    new StringDecoder(StandardCharsets.UTF_8),
                                    new BannerHandler());
                        }
                    }
                });
        deadline = loop.schedule(this::onDeadline, task.timeoutMillis(), TimeUnit.MILLISECONDS);
        ChannelFuture connect = local == null ? bootstrap.connect(remote) : bootstrap.connect(remote, local);
        channel = connect.channel();
        connect.addListener(f -> {
            if (f.isSuccess()) {
                onConnected();
            } else {
                finish(FailureClassifier.classify(f.cause()));
            }
        });
    }

    private void onConnected() {
        connected = true;
        if (http) {
            HttpMethod method = HttpMethod.valueOf(task.method() == null ? "GET" : task.method());
            String path = task.path() == null || task.path().isEmpty() ? "/" : task.path();
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, path);
            request.headers()
                    .set(HttpHeaderNames.HOST, hostHeader())
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                    .set(HttpHeaderNames.USER_AGENT, "reachproof")
                    .set(HttpHeaderNames.CONTENT_LENGTH, 0);
            channel.writeAndFlush(request).addListener(f -> {
                if (!f.isSuccess()) {
                    finish(afterConnect("request could not be sent: " + f.cause()));
                }
            });
        } else if (task.expectedAgentId() == null) {
            finish(AttemptResult.of(Outcome.CONNECTED, "TCP handshake completed"));
        }
    }

    private String hostHeader() {
        String host = task.host().indexOf(':') >= 0 ? "[" + task.host() + "]" : task.host();
        return host + ":" + task.port();
    }

    private void onDeadline() {
        if (!connected) {
            finish(AttemptResult.of(Outcome.TIMEOUT, "no answer within " + task.timeoutMillis() + " ms"));
        } else if (task.expectedAgentId() != null) {
            finish(AttemptResult.of(Outcome.WRONG_PEER, (http ? "connected, but no HTTP response" : "connected, but no identity banner")
                    + " within " + task.timeoutMillis() + " ms"));
        } else {
            finish(AttemptResult.of(Outcome.TIMEOUT, "connected, but no HTTP response within " + task.timeoutMillis() + " ms"));
        }
    }

    /** A failure after the handshake: an agent target did not prove itself; a plain HTTP target refused. */
    private AttemptResult afterConnect(String what) {
        return AttemptResult.of(task.expectedAgentId() != null ? Outcome.WRONG_PEER : Outcome.REFUSED, what);
    }

    private void finish(AttemptResult result) {
        if (settle()) {
            done.accept(result);
        }
    }

    private final class BannerHandler extends SimpleChannelInboundHandler<String> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            Optional<String> peer = IdentityWire.parseBanner(line);
            if (peer.isEmpty()) {
                finish(AttemptResult.of(Outcome.WRONG_PEER, "not a reachproof banner: " + abbreviate(line)));
            } else if (peer.get().equals(task.expectedAgentId())) {
                finish(new AttemptResult(Outcome.CONNECTED, peer.get(), "identity banner"));
            } else {
                finish(new AttemptResult(Outcome.WRONG_PEER, peer.get(), "answered by " + peer.get()));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            finish(AttemptResult.of(Outcome.WRONG_PEER, "connected, but closed without an identity banner"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            finish(AttemptResult.of(Outcome.WRONG_PEER, "connected, but no identity banner: " + cause.getMessage()));
        }
    }

    private final class ResponseHandler extends SimpleChannelInboundHandler<HttpObject> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg.decoderResult().isFailure()) {
                finish(AttemptResult.of(Outcome.WRONG_PEER, "not an HTTP response: " + msg.decoderResult().cause().getMessage()));
                return;
            }
            if (msg instanceof HttpResponse response) {
                int status = response.status().code();
                String peer = response.headers().get(IdentityWire.HTTP_AGENT_HEADER);
                String expected = task.expectedAgentId();
                if (expected != null && !expected.equals(peer)) {
                    finish(new AttemptResult(Outcome.WRONG_PEER, peer,
                            peer == null ? "HTTP " + status + " without " + IdentityWire.HTTP_AGENT_HEADER + " header"
                                    : "HTTP " + status + " answered by " + peer));
                } else if (task.acceptsStatus(status)) {
                    finish(new AttemptResult(Outcome.CONNECTED, peer, "HTTP " + status));
                } else {
                    finish(new AttemptResult(Outcome.REFUSED, peer, "HTTP " + status + ", expected "
                            + task.statusMin() + ".." + task.statusMax()));
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            finish(afterConnect("connected, but closed before an HTTP response"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            finish(afterConnect("connected, but no HTTP response: " + cause.getMessage()));
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
