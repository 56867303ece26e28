package io.reachproof.coordinator.registry;

import static java.util.Objects.requireNonNull;

import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.Heartbeat;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agents that registered, with liveness computed from when each was last heard from (registration,
 * heartbeat, plan poll or result batch) against an injected clock.
 */
public final class AgentRegistry {

    private final Clock clock;
    private final RegistrySettings settings;
    private final Map<String, Entry> agents = new ConcurrentHashMap<>();

    public AgentRegistry(Clock clock, RegistrySettings settings) {
        this.clock = requireNonNull(clock, "clock");
        this.settings = requireNonNull(settings, "settings");
    }

    public RegistrySettings settings() {
        return settings;
    }

    /**
     * Registers an agent under the key it proves itself with, or re-registers it (a restarted agent presents
     * the same key; its identity is updated). An id is never taken from the agent that holds it: an agent of
     * another cluster never gets it, and within the cluster another key gets it only once the holder is
     * {@link AgentState#GONE} (silent for {@code goneAfter}).
     *
     * @param agentKey the secret the agent presents on every call; only its SHA-256 is kept
     * @throws HeldByAnotherCluster when an agent of another cluster holds the id
     * @throws HeldByAnotherAgent when a live or lost agent of the same cluster holds the id under another key
     */
    public RegisteredAgent register(AgentIdentity identity, String agentKey) {
        requireNonNull(identity, "identity");
        byte[] keyHash = hash(requireNonNull(agentKey, "agentKey"));
        Instant now = clock.instant();
        Entry entry = agents.compute(identity.agentId(), (id, old) -> {
            if (old != null && !old.identity.cluster().equals(identity.cluster())) {
                throw new HeldByAnotherCluster(id);
            }
            boolean sameAgent = old != null && MessageDigest.isEqual(old.keyHash, keyHash);
            if (old != null && !sameAgent && old.state(now, settings) != AgentState.GONE) {
                throw new HeldByAnotherAgent(id);
            }
            Entry e = new Entry(identity, keyHash, sameAgent ? old.registeredAt : now);
            e.lastSeen = now;
            if (sameAgent) {
                e.spooled = old.spooled;
                e.dropped = old.dropped;
            }
            return e;
        });
        return entry.view(now, settings);
    }

    /** True when {@code agentKey} is the key the agent registered with (false for an unknown agent). */
    public boolean holdsKey(String agentId, String agentKey) {
        Entry e = agents.get(agentId);
        return e != null && agentKey != null && MessageDigest.isEqual(e.keyHash, hash(agentKey));
    }

    /** True when an agent of {@code cluster} (in any state) registered with {@code agentKey}. */
    public boolean keyHeldIn(String cluster, String agentKey) {
        byte[] hash = hash(agentKey);
        for (Entry e : agents.values()) {
            if (e.identity.cluster().equals(cluster) && MessageDigest.isEqual(e.keyHash, hash)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] hash(String agentKey) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(agentKey.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** The registered agent, if any (in any state). */
    public Optional<RegisteredAgent> find(String agentId) {
        Entry e = agents.get(agentId);
        return e == null ? Optional.empty() : Optional.of(e.view(clock.instant(), settings));
    }

    /** Notes that the agent was heard from; false when it is not registered. */
    public boolean touch(String agentId) {
        Entry e = agents.get(agentId);
        if (e == null) {
            return false;
        }
        e.lastSeen = clock.instant();
        return true;
    }

    public boolean heartbeat(Heartbeat heartbeat) {
        Entry e = agents.get(heartbeat.agentId());
        if (e == null) {
            return false;
        }
        e.lastSeen = clock.instant();
        e.spooled = heartbeat.spooledResults();
        e.dropped = heartbeat.droppedResults();
        return true;
    }

    public AgentState state(String agentId) {
        Entry e = agents.get(agentId);
        return e == null ? AgentState.GONE : e.state(clock.instant(), settings);
    }

    /** Every registered agent, ordered by id; agents gone for twice {@code goneAfter} are forgotten. */
    public List<RegisteredAgent> snapshot() {
        Instant now = clock.instant();
        Duration forgetAfter = settings.goneAfter().multipliedBy(2);
        agents.values().removeIf(e -> Duration.between(e.lastSeen, now).compareTo(forgetAfter) > 0);
        List<RegisteredAgent> all = new ArrayList<>(agents.size());
        agents.values().forEach(e -> all.add(e.view(now, settings)));
        all.sort(Comparator.comparing(RegisteredAgent::agentId));
        return all;
    }

    /** Agents per state, e.g. {@code {"live": 8, "lost": 1, "gone": 0}}. */
    public Map<String, Integer> countByState() {
        Map<AgentState, Integer> counts = new EnumMap<>(AgentState.class);
        for (AgentState s : AgentState.values()) {
            counts.put(s, 0);
        }
        Instant now = clock.instant();
        agents.values().forEach(e -> counts.merge(e.state(now, settings), 1, Integer::sum));
        Map<String, Integer> wire = new java.util.LinkedHashMap<>();
        counts.forEach((s, n) -> wire.put(s.wire(), n));
        return wire;
    }

    private static final class Entry {
        final AgentIdentity identity;
        final byte[] keyHash;
        final Instant registeredAt;
        volatile Instant lastSeen;
        volatile long spooled;
        volatile long dropped;

        Entry(AgentIdentity identity, byte[] keyHash, Instant registeredAt) {
            this.identity = identity;
            this.keyHash = keyHash;
            this.registeredAt = registeredAt;
        }

        AgentState state(Instant now, RegistrySettings settings) {
            Duration silent = Duration.between(lastSeen, now);
            if (silent.compareTo(settings.goneAfter()) > 0) {
                return AgentState.GONE;
            }
            return silent.compareTo(settings.lostAfter()) > 0 ? AgentState.LOST : AgentState.LIVE;
        }

        RegisteredAgent view(Instant now, RegistrySettings settings) {
            return new RegisteredAgent(identity, state(now, settings), registeredAt, lastSeen, spooled, dropped);
        }
    }

    /** Thrown by {@link #register} for an agent id that an agent of another cluster holds. */
    public static final class HeldByAnotherCluster extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        HeldByAnotherCluster(String agentId) {
            super("agent id " + agentId + " is held by an agent of another cluster");
        }
    }

    /** Thrown by {@link #register} for an agent id that a live or lost agent holds under another key. */
    public static final class HeldByAnotherAgent extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        HeldByAnotherAgent(String agentId) {
            super("agent id " + agentId + " is held by another agent (a different agent key)");
        }
    }
}
