package io.reachproof.agent.responder;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.util.NetUtil;
import io.reachproof.agent.Transport;
import io.reachproof.agent.probe.Prober;
import io.reachproof.agent.wire.IdentityWire;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.Responder;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's responders, bound and serving: TCP (identity banner), UDP (nonce echo), HTTP (identity JSON).
 * {@link #start} binds every responder of the identity or fails naming the one that could not bind (and
 * releases the others); {@link #close} unbinds all.
 */
public final class ResponderSet implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ResponderSet.class);

    private final AgentIdentity identity;
    private final String bindAddress;
    private final EventLoopGroup group;
    private final List<Channel> channels;
    private final UdpEchoHandler udpHandler;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ResponderSet(AgentIdentity identity, String bindAddress, EventLoopGroup group, List<Channel> channels,
            UdpEchoHandler udpHandler) {
        this.identity = identity;
        this.bindAddress = bindAddress;
        this.group = group;
        this.channels = channels;
        this.udpHandler = udpHandler;
    }

    /**
     * Binds the responders {@code identity.responders()} on {@code bindAddress} (an IP literal, e.g.
     * {@code 0.0.0.0}).
     *
     * @throws IllegalArgumentException for a bad address, agent id or protocol
     * @throws IllegalStateException naming the responder that could not bind (port in use, no such address)
     */
    public static ResponderSet start(AgentIdentity identity, String bindAddress, Transport transport) {
        requireNonNull(identity, "identity");
        requireNonNull(bindAddress, "bindAddress");
        requireNonNull(transport, "transport");
        IdentityWire.checkAgentId(identity.agentId());
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(bindAddress);
        if (literal == null) {
            throw new IllegalArgumentException("bind address must be an IP address: " + bindAddress);
        }
        for (Responder r : identity.responders()) {
            if (!List.of("TCP", "UDP", "HTTP").contains(r.protocol())) {
                throw new IllegalArgumentException("responder protocol must be TCP, UDP or HTTP: " + r);
            }
        }
        InetAddress address;
        try {
            address = InetAddress.getByAddress(literal);
        } catch (java.net.UnknownHostException impossible) {
            throw new IllegalArgumentException("bind address must be an IP address: " + bindAddress, impossible);
        }
        byte[] json;
        try {
            json = Json.mapper().writeValueAsBytes(identity);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        EventLoopGroup group = transport.newEventLoopGroup(Math.min(2, Runtime.getRuntime().availableProcessors()),
                "reachproof-responder");
        UdpEchoHandler udp = new UdpEchoHandler(identity.agentId());
        TcpBannerHandler tcp = new TcpBannerHandler(identity.agentId());
        HttpResponderInitializer http = new HttpResponderInitializer(new HttpIdentityHandler(identity.agentId(), json));
        List<Channel> channels = new ArrayList<>();
        for (Responder r : identity.responders()) {
            InetSocketAddress local = new InetSocketAddress(address, r.port());
            ChannelFuture bound;
            if ("UDP".equals(r.protocol())) {
                bound = new Bootstrap().group(group).channel(transport.datagramChannel()).handler(udp).bind(local);
            } else {
                bound = new ServerBootstrap().group(group).channel(transport.serverSocketChannel())
                        .option(ChannelOption.SO_BACKLOG, 4096)
                        .childHandler("TCP".equals(r.protocol()) ? tcp : http)
                        .bind(local);
            }
            if (!bound.awaitUninterruptibly().isSuccess()) {
                channels.forEach(Channel::close);
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                throw new IllegalStateException("cannot bind responder " + r + " on " + bindAddress + ": "
                        + bound.cause().getMessage(), bound.cause());
            }
            channels.add(bound.channel());
        }
        LOG.info("agent {} responders {} listening on {} ({})", identity.agentId(), identity.responders(), bindAddress,
                transport);
        return new ResponderSet(identity, bindAddress, group, channels, udp);
    }

    public AgentIdentity identity() {
        return identity;
    }

    /** Datagrams answered by the UDP responder. */
    public long udpAnswered() {
        return udpHandler.answered();
    }

    /** Datagrams ignored because they were no reachproof request, or too small to carry the reply. */
    public long udpIgnored() {
        return udpHandler.malformed() + udpHandler.tooSmall();
    }

    /**
     * Probes every responder through the real socket path (to the bind address, or {@code 127.0.0.1} /
     * {@code ::1} for a wildcard bind) and expects this agent's identity back.
     */
    public CompletableFuture<SelfCheck> selfCheck(Prober prober) {
        String host = selfAddress();
        Map<Responder, CompletableFuture<ProbeResult>> futures = new LinkedHashMap<>();
        for (Responder r : identity.responders()) {
            boolean http = "HTTP".equals(r.protocol());
            ProbeTask task = ProbeTask.of("self-check-" + r, Protocol.valueOf(r.protocol()), host, r.port(),
                    http ? IdentityWire.HTTP_IDENTITY_PATH : null, http ? "GET" : null, identity.agentId(), 2, 1000);
            futures.put(r, prober.probe(task, null));
        }
        return CompletableFuture.allOf(futures.values().toArray(new CompletableFuture<?>[0])).thenApply(v -> {
            Map<Responder, ProbeResult> results = new LinkedHashMap<>();
            futures.forEach((r, f) -> results.put(r, f.join()));
            return new SelfCheck(results);
        });
    }

    private String selfAddress() {
        if ("0.0.0.0".equals(bindAddress)) {
            return "127.0.0.1";
        }
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(bindAddress);
        if (literal != null && literal.length == 16 && java.util.Arrays.equals(literal, new byte[16])) {
            return "::1";
        }
        return bindAddress;
    }

    /** Unbinds every responder and stops their event loops. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        channels.forEach(ch -> ch.close().syncUninterruptibly());
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
