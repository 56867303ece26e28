package io.reachproof.coordinator.registry;

import static java.util.Objects.requireNonNull;

import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.Heartbeat;
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
     * Registers (or re-registers, replacing the identity of) an agent of the same cluster. An id held by an agent
     * of another cluster is never replaced (an id is its cluster's until the registry forgets the agent).
     *
     * @throws HeldByAnotherCluster when an agent of another cluster holds the id
     */
    public RegisteredAgent register(AgentIdentity identity) {
        requireNonNull(identity, "identity");
        Instant now = clock.instant();
        Entry entry = agents.compute(identity.agentId(), (id, old) -> {
            if (old != null && !old.identity.cluster().equals(identity.cluster())) {
                throw new HeldByAnotherCluster(id);
            }
            Entry e = new Entry(identity, old == null ? now : old.registeredAt);
            e.lastSeen = now;
            if (old != null) {
                e.spooled = old.spooled;
                e.dropped = old.dropped;
            }
            return e;
        });
        return entry.view(now, settings);
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
        final Instant registeredAt;
        volatile Instant lastSeen;
        volatile long spooled;
        volatile long dropped;

        Entry(AgentIdentity identity, Instant registeredAt) {
            this.identity = identity;
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
}
