package io.reachproof.coordinator.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reachproof.coordinator.MutableClock;
import io.reachproof.coordinator.lab.LabFleet;
import io.reachproof.protocol.Heartbeat;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentRegistryTest {

    private static final String KEY = "the-agents-own-key-0123456789abcdefghijk";
    private static final String OTHER_KEY = "somebody-elses-key-0123456789abcdefghijk";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final AgentRegistry registry = new AgentRegistry(clock,
            new RegistrySettings(Duration.ofSeconds(5), 3, Duration.ofMinutes(10)));

    @Test
    void anAgentIsLiveUntilItMissesTheAllowedHeartbeatsThenLostThenGone() {
        registry.register(LabFleet.agent(0), KEY);

        clock.advance(Duration.ofSeconds(15));
        assertThat(registry.state("frontend-0")).isEqualTo(AgentState.LIVE);
        clock.advance(Duration.ofMillis(1));
        assertThat(registry.state("frontend-0")).isEqualTo(AgentState.LOST);
        clock.advance(Duration.ofMinutes(10));
        assertThat(registry.state("frontend-0")).isEqualTo(AgentState.GONE);
    }

    @Test
    void aHeartbeatBringsALostAgentBackAndRecordsItsSpool() {
        registry.register(LabFleet.agent(0), KEY);
        clock.advance(Duration.ofSeconds(20));
        assertThat(registry.state("frontend-0")).isEqualTo(AgentState.LOST);

        assertThat(registry.heartbeat(new Heartbeat("frontend-0", 12, 3, 0))).isTrue();

        RegisteredAgent a = registry.find("frontend-0").orElseThrow();
        assertThat(a.state()).isEqualTo(AgentState.LIVE);
        assertThat(a.spooledResults()).isEqualTo(12);
        assertThat(a.droppedResults()).isEqualTo(3);
        assertThat(a.registeredAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void anUnknownAgentsHeartbeatIsRefusedAndItIsGone() {
        assertThat(registry.heartbeat(new Heartbeat("nobody", 0, 0, 0))).isFalse();
        assertThat(registry.touch("nobody")).isFalse();
        assertThat(registry.state("nobody")).isEqualTo(AgentState.GONE);
    }

    @Test
    void agentsAreCountedByState() {
        registry.register(LabFleet.agent(0), KEY);
        clock.advance(Duration.ofSeconds(16));
        registry.register(LabFleet.agent(1), KEY);

        assertThat(registry.countByState()).isEqualTo(Map.of("live", 1, "lost", 1, "gone", 0));
        assertThat(registry.snapshot()).extracting(RegisteredAgent::agentId).containsExactly("frontend-0", "frontend-1");
    }

    @Test
    void agentsGoneForTwiceTheGoneTimeAreForgotten() {
        registry.register(LabFleet.agent(0), KEY);
        clock.advance(Duration.ofMinutes(20));
        assertThat(registry.snapshot()).hasSize(1);
        clock.advance(Duration.ofMillis(1));
        assertThat(registry.snapshot()).isEmpty();
        assertThat(registry.find("frontend-0")).isEmpty();
    }

    @Test
    void anIdIsKeptForTheAgentThatHoldsItsKeyUntilThatAgentIsGone() {
        registry.register(LabFleet.agent(0), KEY);
        clock.advance(Duration.ofSeconds(20));
        assertThat(registry.state("frontend-0")).isEqualTo(AgentState.LOST);

        assertThatThrownBy(() -> registry.register(LabFleet.agent(0), OTHER_KEY))
                .isInstanceOf(AgentRegistry.HeldByAnotherAgent.class)
                .hasMessage("agent id frontend-0 is held by another agent (a different agent key)");
        assertThat(registry.holdsKey("frontend-0", KEY)).isTrue();
        assertThat(registry.holdsKey("frontend-0", OTHER_KEY)).isFalse();

        clock.advance(Duration.ofMinutes(10));
        assertThat(registry.state("frontend-0")).isEqualTo(AgentState.GONE);
        RegisteredAgent successor = registry.register(LabFleet.agent(0), OTHER_KEY);
        assertThat(successor.registeredAt()).isEqualTo(clock.instant());
        assertThat(registry.holdsKey("frontend-0", OTHER_KEY)).isTrue();
        assertThat(registry.holdsKey("frontend-0", KEY)).isFalse();
    }

    @Test
    void aRestartedAgentWithItsKeyReRegistersAndKeepsItsRegistrationTime() {
        registry.register(LabFleet.agent(0), KEY);
        clock.advance(Duration.ofSeconds(30));

        RegisteredAgent again = registry.register(LabFleet.agent(0), KEY);

        assertThat(again.registeredAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(again.state()).isEqualTo(AgentState.LIVE);
    }

    @Test
    void goneMustComeAfterLost() {
        assertThatThrownBy(() -> new RegistrySettings(Duration.ofSeconds(5), 3, Duration.ofSeconds(15)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("goneAfter must be longer than heartbeatInterval x missedHeartbeats: PT15S");
    }
}
