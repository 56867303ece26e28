package io.reachproof.agent.netns;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.ServerChannel;
import io.reachproof.agent.Transport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Channel factories whose channels are made inside a network namespace: each namespace has its own
 * {@link NetnsThread}, entered once and kept while it is used; a namespace unused for {@code idleAfter}
 * has its thread closed. A namespace is known by its path and inode, so a replaced namespace behind the same
 * path (a restarted pod) gets a new thread, and the old one's thread is closed at the next look over the
 * entered namespaces (every {@link #SWEEP_EVERY}), as is the thread of a namespace whose path is gone.
 */
public final class NetnsSockets implements AutoCloseable {

    /** How often the entered namespaces are looked over for idle or replaced ones. */
    static final Duration SWEEP_EVERY = Duration.ofSeconds(5);

    private final Clock clock;
    private final Duration idleAfter;
    private final Map<NetnsRef, Entry> threads = new ConcurrentHashMap<>();
    private final AtomicReference<Instant> lastSweep;

    private static final class Entry {
        final NetnsThread thread;
        /** By channel class: found without making anything on a probe's path. */
        final Map<Class<? extends Channel>, Pool> pools = new ConcurrentHashMap<>();
        volatile Instant lastUsed;

        Entry(NetnsThread thread, Instant lastUsed) {
            this.thread = thread;
            this.lastUsed = lastUsed;
        }

        void close() {
            thread.close();
            pools.values().forEach(Pool::close);
        }
    }

    public NetnsSockets(Clock clock, Duration idleAfter) {
        this.clock = requireNonNull(clock, "clock");
        this.idleAfter = requireNonNull(idleAfter, "idleAfter");
        this.lastSweep = new AtomicReference<>(clock.instant());
        // Netty derives channel ids from a MAC address found once, on first use: find it here, in the agent's own
        // namespace, not inside a pod's (which may have no usable interface and would log a warning)
        DefaultChannelId.newInstance();
    }

    /** Threads entered into namespaces now. */
    public int entered() {
        return threads.size();
    }

    /** A factory of TCP channels made inside {@code namespace}, entered now if it was not yet. */
    public ChannelFactory<Channel> stream(NetnsRef namespace, Transport transport) throws NetnsUnavailable {
        return inside(namespace, transport.socketChannel());
    }

    /** A factory of UDP channels made inside {@code namespace}. */
    public ChannelFactory<Channel> datagram(NetnsRef namespace, Transport transport) throws NetnsUnavailable {
        return inside(namespace, transport.datagramChannel());
    }

    /** A factory of listening channels made inside {@code namespace} (listeners borrowed in a pod; not made ahead). */
    public ChannelFactory<ServerChannel> server(NetnsRef namespace, Transport transport) throws NetnsUnavailable {
        NetnsThread thread = entry(namespace).thread;
        ReflectiveChannelFactory<? extends ServerChannel> plain = new ReflectiveChannelFactory<>(transport.serverSocketChannel());
        return () -> thread.make(plain::newChannel);
    }

    private ChannelFactory<Channel> inside(NetnsRef namespace, Class<? extends Channel> kind) throws NetnsUnavailable {
        Entry e = entry(namespace);
        Pool pool = e.pools.get(kind);
        // a reflective factory looks its constructor up when made: once per namespace and kind, not per probe
        return pool != null ? pool : e.pools.computeIfAbsent(kind, k -> new Pool(e.thread, new ReflectiveChannelFactory<>(k)));
    }

    /**
     * Channels made ahead on a namespace's thread, so that a probe's event loop takes one without waiting for a
     * thread switch; refilled in the background when half empty, made on the spot when empty.
     */
    private static final class Pool implements ChannelFactory<Channel> {
        static final int SIZE = 16;

        private final NetnsThread thread;
        private final ChannelFactory<? extends Channel> plain;
        private final java.util.Queue<Channel> ready = new java.util.concurrent.ConcurrentLinkedQueue<>();
        private final java.util.concurrent.atomic.AtomicBoolean refilling = new java.util.concurrent.atomic.AtomicBoolean();
        private volatile boolean closed;

        Pool(NetnsThread thread, ChannelFactory<? extends Channel> plain) {
            this.thread = thread;
            this.plain = plain;
        }

        @Override
        public Channel newChannel() {
            Channel c = ready.poll();
            if (ready.size() < SIZE / 2 && refilling.compareAndSet(false, true)) {
                thread.later(() -> {
                    try {
                        while (!closed && ready.size() < SIZE) {
                            ready.add(plain.newChannel());
                        }
                    } finally {
                        refilling.set(false);
                    }
                    if (closed) {
                        // closed while refilling: what was made since must not stay open (it would hold the namespace)
                        closeReady();
                    }
                });
            }
            return c != null ? c : thread.make(plain::newChannel);
        }

        void close() {
            closed = true;
            closeReady();
        }

        private void closeReady() {
            for (Channel c; (c = ready.poll()) != null; ) {
                c.unsafe().closeForcibly();
            }
        }
    }

    private Entry entry(NetnsRef namespace) throws NetnsUnavailable {
        Instant now = clock.instant();
        sweepIfDue(now);
        Entry e = threads.get(namespace);
        if (e == null) {
            NetnsThread entered = NetnsThread.enter(namespace);
            Entry made = new Entry(entered, now);
            Entry raced = threads.putIfAbsent(namespace, made);
            if (raced != null) {
                made.close();
                e = raced;
            } else {
                e = made;
            }
        }
        e.lastUsed = now;
        return e;
    }

    /** At most once per {@link #SWEEP_EVERY}: closes the threads of namespaces unused too long or gone. */
    private void sweepIfDue(Instant now) {
        Instant last = lastSweep.get();
        if (Duration.between(last, now).compareTo(SWEEP_EVERY) < 0 || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        List<NetnsRef> done = new ArrayList<>();
        threads.forEach((ref, e) -> {
            if (Duration.between(e.lastUsed, now).compareTo(idleAfter) > 0 || replaced(ref)) {
                done.add(ref);
            }
        });
        for (NetnsRef ref : done) {
            Entry e = threads.remove(ref);
            if (e != null) {
                e.close();
            }
        }
    }

    /**
     * Whether the namespace behind {@code ref}'s path is gone or another one (a new inode: the pod restarted). Its
     * thread would keep the old namespace alive, and a probe from it would leave from a pod that is no more.
     */
    private static boolean replaced(NetnsRef ref) {
        try {
            return NamedNetns.of(ref.path()).inode() != ref.inode();
        } catch (NetnsUnavailable gone) {
            return true;
        }
    }

    @Override
    public void close() {
        threads.values().forEach(Entry::close);
        threads.clear();
    }
}
