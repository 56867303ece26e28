package io.reachproof.agent.netns;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.ReflectiveChannelFactory;
import io.reachproof.agent.Transport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Channel factories whose channels are made inside a network namespace: each namespace has its own
 * {@link NetnsThread}, entered once and kept while it is used; a namespace unused for {@code idleAfter}
 * has its thread closed. A namespace is known by its path and inode, so a replaced namespace behind the same
 * path (a restarted pod) gets a new thread.
 */
public final class NetnsSockets implements AutoCloseable {

    private final Clock clock;
    private final Duration idleAfter;
    private final Map<NetnsRef, Entry> threads = new ConcurrentHashMap<>();

    private static final class Entry {
        final NetnsThread thread;
        volatile Instant lastUsed;

        Entry(NetnsThread thread, Instant lastUsed) {
            this.thread = thread;
            this.lastUsed = lastUsed;
        }
    }

    public NetnsSockets(Clock clock, Duration idleAfter) {
        this.clock = requireNonNull(clock, "clock");
        this.idleAfter = requireNonNull(idleAfter, "idleAfter");
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
        return inside(namespace, new ReflectiveChannelFactory<>(transport.socketChannel()));
    }

    /** A factory of UDP channels made inside {@code namespace}. */
    public ChannelFactory<Channel> datagram(NetnsRef namespace, Transport transport) throws NetnsUnavailable {
        return inside(namespace, new ReflectiveChannelFactory<>(transport.datagramChannel()));
    }

    /** A factory of listening channels made inside {@code namespace} (listeners borrowed in a pod). */
    public ChannelFactory<Channel> server(NetnsRef namespace, Transport transport) throws NetnsUnavailable {
        return inside(namespace, new ReflectiveChannelFactory<>(transport.serverSocketChannel()));
    }

    private ChannelFactory<Channel> inside(NetnsRef namespace, ChannelFactory<? extends Channel> plain)
            throws NetnsUnavailable {
        NetnsThread thread = thread(namespace);
        return () -> thread.make(plain::newChannel);
    }

    private NetnsThread thread(NetnsRef namespace) throws NetnsUnavailable {
        Instant now = clock.instant();
        evictIdle(now);
        Entry e = threads.get(namespace);
        if (e == null) {
            NetnsThread entered = NetnsThread.enter(namespace);
            Entry made = new Entry(entered, now);
            Entry raced = threads.putIfAbsent(namespace, made);
            if (raced != null) {
                entered.close();
                e = raced;
            } else {
                e = made;
            }
        }
        e.lastUsed = now;
        return e.thread;
    }

    private void evictIdle(Instant now) {
        List<NetnsRef> idle = new ArrayList<>();
        threads.forEach((ref, e) -> {
            if (Duration.between(e.lastUsed, now).compareTo(idleAfter) > 0) {
                idle.add(ref);
            }
        });
        for (NetnsRef ref : idle) {
            Entry e = threads.remove(ref);
            if (e != null) {
                e.thread.close();
            }
        }
    }

    @Override
    public void close() {
        threads.values().forEach(e -> e.thread.close());
        threads.clear();
    }
}
