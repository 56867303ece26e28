package io.reachproof.agent.probe;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.util.ReferenceCountUtil;
import io.reachproof.agent.Transport;
import io.reachproof.agent.wire.IdentityWire;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.ProbeTask;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A UDP probe: all attempts on one <em>connected</em> datagram channel, so the kernel hands ICMP errors for
 * this flow to the channel (port-unreachable as {@code PortUnreachableException} -> {@code REFUSED}; with
 * epoll, {@code IP_RECVERR} also surfaces host/net-unreachable -> {@code UNREACHABLE}). One padded request
 * per attempt, each attempt waits {@code timeoutMillis}; an echo of the nonce to any attempt ends the probe,
 * silence after the last attempt is {@code TIMEOUT}.
 */
final class UdpExchange extends ChannelAttempt {

    /** Linux {@code SOL_IP} / {@code IP_RECVERR}: report every ICMP error to a connected socket. */
    static final IntegerUnixChannelOption IP_RECVERR = new IntegerUnixChannelOption("IP_RECVERR", 0, 11);
    /** Linux {@code SOL_IPV6} / {@code IPV6_RECVERR}: the same for IPv6 targets. */
    static final IntegerUnixChannelOption IPV6_RECVERR = new IntegerUnixChannelOption("IPV6_RECVERR", 41, 25);

    private final Transport transport;
    private final ChannelFactory<? extends Channel> channels;
    private final ProbeTask task;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private final Done done;
    private final byte[] nonce = new byte[IdentityWire.NONCE_LENGTH];
    private int sent;

    /** Receives the result and how many datagrams were sent. */
    interface Done {
        void accept(AttemptResult result, int attempts);
    }

    /**
     * @param channels makes the exchange's channel (in the namespace the probe leaves from)
     * @param local the address the datagrams leave from; null: the kernel's choice
     */
    UdpExchange(EventLoop loop, Transport transport, ChannelFactory<? extends Channel> channels, ProbeTask task,
            InetSocketAddress remote, InetSocketAddress local, Random random, Done done) {
        super(loop);
        this.local = local;
        this.channels = channels;
        this.transport = transport;
        this.task = task;
        this.remote = remote;
        this.done = done;
        random.nextBytes(nonce);
    }

    /** Starts the exchange; must run on {@code loop}. */
    void start() {
        Bootstrap bootstrap = new Bootstrap().group(loop).channelFactory(channels).handler(new ReplyHandler());
        if (transport == Transport.EPOLL) {
            bootstrap.option(IP_RECVERR, 1);
            if (remote.getAddress() instanceof Inet6Address) {
                bootstrap.option(IPV6_RECVERR, 1);
            }
        }
        ChannelFuture connect = local == null ? bootstrap.connect(remote) : bootstrap.connect(remote, local);
        channel = connect.channel();
        connect.addListener(f -> {
            if (f.isSuccess()) {
                send();
            } else {
                finish(FailureClassifier.classify(f.cause()));
            }
        });
    }

    private void send() {
        if (settled()) {
            return;
        }
        sent++;
        ByteBuf request = channel.alloc().buffer(IdentityWire.UDP_REQUEST_SIZE);
        IdentityWire.writeUdpRequest(request, nonce);
        channel.writeAndFlush(request).addListener(f -> {
            if (!f.isSuccess()) {
                finish(FailureClassifier.classify(f.cause()));
            }
        });
        deadline = loop.schedule(this::onAttemptDeadline, task.timeoutMillis(), TimeUnit.MILLISECONDS);
    }

    private void onAttemptDeadline() {
        if (sent < task.attempts()) {
            send();
        } else {
            finish(AttemptResult.of(Outcome.TIMEOUT, "no echo to " + sent + " datagrams within " + task.timeoutMillis() + " ms each"));
        }
    }

    private void onDatagram(ByteBuf content) {
        if (task.expectedAgentId() == null) {
            finish(AttemptResult.of(Outcome.CONNECTED, "reply of " + content.readableBytes() + " bytes"));
            return;
        }
        Optional<IdentityWire.UdpReply> reply = IdentityWire.parseUdpReply(content);
        if (reply.isEmpty()) {
            finish(AttemptResult.of(Outcome.WRONG_PEER, "not a reachproof reply (" + content.readableBytes() + " bytes)"));
        } else if (!reply.get().answers(nonce)) {
            return; // a stale or forged reply: keep waiting for ours
        } else if (reply.get().agentId().equals(task.expectedAgentId())) {
            finish(new AttemptResult(Outcome.CONNECTED, reply.get().agentId(), "echo of the nonce"));
        } else {
            finish(new AttemptResult(Outcome.WRONG_PEER, reply.get().agentId(), "answered by " + reply.get().agentId()));
        }
    }

    private void finish(AttemptResult result) {
        if (settle()) {
            done.accept(result, Math.max(1, sent));
        }
    }

    private final class ReplyHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof DatagramPacket packet) {
                    onDatagram(packet.content());
                } else if (msg instanceof ByteBuf buf) {
                    onDatagram(buf);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            finish(FailureClassifier.classify(cause));
        }
    }
}
