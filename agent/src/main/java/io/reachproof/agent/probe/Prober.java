package io.reachproof.agent.probe;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.reachproof.agent.Transport;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.Protocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends probes. One per agent: it owns an event loop group and a concurrency limit; every probe runs on
 * one event loop with its deadlines scheduled there (no thread per probe, nothing sleeps). Probes beyond
 * the limit wait in a queue, without blocking the caller.
 *
 * <p>{@link #probe} never completes exceptionally: local faults (a bad task, an unresolvable host, a
 * closed prober) are {@link Outcome#ERROR} results. TCP and HTTP retry only after a {@code TIMEOUT}
 * (any other outcome is an answer); UDP sends up to {@code attempts} datagrams on one connected socket.
 * Thread-safe.
 */
public final class Prober implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Prober.class);
    /** A target's repeated local faults are logged once per this interval (with how many were held back). */
    static final Duration LOCAL_FAULT_WARNING_INTERVAL = Duration.ofMinutes(1);

    private final String agentId;
    private final Transport transport;
    private final EventLoopGroup group;
    private final ConcurrencyLimit limit;
    private final Clock clock;
    private final ExecutorService resolver;
    private final WarningThrottle localFaults;
    private final Set<CompletableFuture<ProbeResult>> pending = ConcurrentHashMap.newKeySet();
    private final ChannelFactory<Channel> hostStream;
    private final ChannelFactory<Channel> hostDatagram;
    private volatile SocketPlacement placement = SocketPlacement.HOST;
    private volatile InetAddress source;
    private volatile boolean closed;

    /**
     * @param agentId who sends the probes (written into every result)
     * @param concurrency most probes in flight at once
     * @param threads event loop threads
     * @param transport epoll or NIO
     * @param clock for the results' timestamps
     */
    public Prober(String agentId, int concurrency, int threads, Transport transport, Clock clock) {
        this.agentId = requireNonNull(agentId, "agentId");
        this.transport = requireNonNull(transport, "transport");
        this.clock = requireNonNull(clock, "clock");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        this.limit = new ConcurrencyLimit(concurrency);
        this.group = transport.newEventLoopGroup(threads, "reachproof-probe");
        ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory("reachproof-resolve", true));
        pool.allowCoreThreadTimeOut(true);
        this.resolver = pool;
        this.localFaults = new WarningThrottle(clock, LOCAL_FAULT_WARNING_INTERVAL);
        this.hostStream = new ReflectiveChannelFactory<>(transport.socketChannel());
        this.hostDatagram = new ReflectiveChannelFactory<>(transport.datagramChannel());
    }

    /**
     * Where the probes' sockets are made from now on: in the agent's own network namespace (the default), or per
     * task in another one (a pod's, in workload mode; one given to {@code probe --netns}).
     */
    public Prober placeSocketsWith(SocketPlacement value) {
        this.placement = requireNonNull(value, "placement");
        return this;
    }

    /**
     * Probes that leave from the agent's own namespace leave from {@code address} (to destinations of its family):
     * an agent that answers on one address of a shared host, as the lab's loopback agents do, probes from it too,
     * so a firewall rule can tell its probes from the others' by source.
     */
    public Prober leaveFrom(InetAddress address) {
        this.source = requireNonNull(address, "address");
        return this;
    }

    /** A prober on the best transport with one event loop per core and the system clock. */
    public static Prober create(String agentId, int concurrency) {
        return new Prober(agentId, concurrency, Runtime.getRuntime().availableProcessors(), Transport.detect(),
                Clock.systemUTC());
    }

    public Transport transport() {
        return transport;
    }

    /** Probes running now. */
    public int inFlight() {
        return limit.inFlight();
    }

    /** Probes waiting for a free slot. */
    public int queued() {
        return limit.queued();
    }

    /**
     * Sends one probe. The result names the task and {@code roundId} (null for ad-hoc probes); it never
     * completes exceptionally.
     */
    public CompletableFuture<ProbeResult> probe(ProbeTask task, String roundId) {
        CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        if (task == null) {
            result.complete(error(null, roundId, 0, 0, "no task"));
            return result;
        }
        if (closed) {
            result.complete(error(task.taskId(), roundId, 0, 0, "prober closed"));
            return result;
        }
        pending.add(result);
        // the slot is free before the caller hears the result, so inFlight() never counts finished probes
        CompletableFuture<ProbeResult> inner = new CompletableFuture<>();
        inner.whenComplete((r, t) -> {
            limit.release();
            pending.remove(result);
            result.complete(r);
        });
        limit.submit(() -> {
            EventLoop loop = group.next();
            try {
                loop.execute(() -> new Run(loop, task, roundId, inner).begin());
            } catch (RuntimeException rejected) {
                inner.complete(error(task.taskId(), roundId, 0, 0, "prober closed"));
            }
        });
        return result;
    }

    /**
     * Stops the event loops; probes still running or waiting complete with {@code ERROR "prober closed"}. Waits at most
     * 10 s for the loops to end: a stop never hangs on one that does not.
     */
    @Override
    public void close() {
        closed = true;
        if (!group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS)) {
            LOG.warn("agent {}: the prober's event loops did not end within 10 s; going on without them", agentId);
        }
        resolver.shutdownNow();
        for (CompletableFuture<ProbeResult> f : pending) {
            f.complete(error(null, null, 0, 0, "prober closed"));
        }
    }

    private ProbeResult error(String taskId, String roundId, long latencyMicros, int attempts, String detail) {
        return new ProbeResult(resultId(), taskId, agentId, roundId, Outcome.ERROR, latencyMicros,
                attempts, null, detail, clock.millis());
    }

    /** One probe's attempts, confined to one event loop. */
    private final class Run {
        private final EventLoop loop;
        private final ProbeTask task;
        private final String roundId;
        private final CompletableFuture<ProbeResult> result;
        private long startNanos;
        private int attempt;

        Run(EventLoop loop, ProbeTask task, String roundId, CompletableFuture<ProbeResult> result) {
            this.loop = loop;
            this.task = task;
            this.roundId = roundId;
            this.result = result;
        }

        void begin() {
            startNanos = System.nanoTime();
            Protocol protocol = task.protocol();
            if (protocol == Protocol.SCTP) {
                complete(AttemptResult.of(Outcome.ERROR, "protocol " + protocol + " is not probed by this agent"), 0);
                return;
            }
            if (protocol == Protocol.HTTP) {
                String method = task.method() == null ? "GET" : task.method();
                if (!method.matches("[A-Z]{1,20}")) {
                    complete(AttemptResult.of(Outcome.ERROR, "bad HTTP method: '" + method + "'"), 0);
                    return;
                }
                if (task.path() != null && !task.path().isEmpty() && !task.path().startsWith("/")) {
                    complete(AttemptResult.of(Outcome.ERROR, "HTTP path must start with '/': '" + task.path() + "'"), 0);
                    return;
                }
            }
            byte[] literal = NetUtil.createByteArrayFromIpAddressString(task.host());
            if (literal != null) {
                try {
                    start(new InetSocketAddress(InetAddress.getByAddress(literal), task.port()));
                } catch (UnknownHostException impossible) {
                    complete(FailureClassifier.classify(impossible), 0);
                }
                return;
            }
            // host names resolve off the event loop (the JDK resolver blocks)
            try {
                resolver.execute(() -> {
                    InetSocketAddress remote = new InetSocketAddress(task.host(), task.port());
                    loop.execute(() -> {
                        if (remote.isUnresolved()) {
                            complete(AttemptResult.of(Outcome.ERROR, "cannot resolve host: " + task.host()), 0);
                        } else {
                            start(remote);
                        }
                    });
                });
            } catch (RuntimeException rejected) {
                complete(AttemptResult.of(Outcome.ERROR, "prober closed"), 0);
            }
        }

        private void start(InetSocketAddress remote) {
            try {
                SocketPlacement.Sockets sockets = placement.socketsFor(task, transport);
                if (sockets.unavailable() != null) {
                    // the namespace the probe must leave from is not here: no observation of the network
                    complete(AttemptResult.of(Outcome.ERROR, sockets.unavailable()), 0);
                } else if (task.protocol() == Protocol.UDP) {
                    new UdpExchange(loop, transport, sockets.datagram() == null ? hostDatagram : sockets.datagram(), task,
                            remote, local(sockets, remote), ThreadLocalRandom.current(), this::complete).start();
                } else {
                    nextStreamAttempt(remote, local(sockets, remote), sockets.stream() == null ? hostStream : sockets.stream());
                }
            } catch (RuntimeException fault) {
                warnLocalFault(task, fault);
                complete(AttemptResult.of(Outcome.ERROR, "local fault: " + fault), attempt);
            }
        }

        /** The address a probe from the agent's own namespace leaves from ({@link #leaveFrom}); null: the kernel's choice. */
        private InetSocketAddress local(SocketPlacement.Sockets sockets, InetSocketAddress remote) {
            InetAddress from = source;
            boolean host = sockets.stream() == null && sockets.datagram() == null;
            return host && from != null && from.getClass() == remote.getAddress().getClass()
                    ? new InetSocketAddress(from, 0) : null;
        }

        private void nextStreamAttempt(InetSocketAddress remote, InetSocketAddress local, ChannelFactory<Channel> channels) {
            attempt++;
            new StreamAttempt(loop, channels, task, remote, local, r -> {
                if (r.outcome() == Outcome.TIMEOUT && attempt < task.attempts()) {
                    nextStreamAttempt(remote, local, channels);
                } else {
                    complete(r, attempt);
                }
            }).start();
        }

        private void complete(AttemptResult r, int attempts) {
            long micros = Math.max(0, (System.nanoTime() - startNanos) / 1000);
            if (closed) {
                // whatever the channel saw while the loops shut down, it is no observation of the network
                result.complete(error(task.taskId(), roundId, micros, attempts, "prober closed"));
                return;
            }
            result.complete(new ProbeResult(resultId(), task.taskId(), agentId, roundId, r.outcome(),
                    micros, attempts, r.peerId(), r.detail(), clock.millis()));
        }
    }

    private void warnLocalFault(ProbeTask task, RuntimeException fault) {
        String target = task.protocol() + " " + task.host() + ":" + task.port();
        OptionalLong heldBack = localFaults.admit(target);
        if (heldBack.isPresent()) {
            LOG.warn("agent {}: probe {} to {} failed locally ({} more such failures of this target held back since the"
                    + " last warning; at most one per {}s)", agentId, task.taskId(), target, heldBack.getAsLong(),
                    LOCAL_FAULT_WARNING_INTERVAL.toSeconds(), fault);
        }
    }

    /** A random (version 4) UUID without the lock of the shared {@code SecureRandom}: ids need uniqueness only. */
    private static String resultId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }
}
