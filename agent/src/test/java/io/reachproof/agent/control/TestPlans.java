package io.reachproof.agent.control;

import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.Plan;
import io.reachproof.protocol.PlanRound;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.Responder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** Plans, rounds and a prober that answers at once, for the control loop's tests. */
final class TestPlans {

    static final String AGENT = "frontend-0";
    static final Responder TCP = new Responder(7001, "TCP");

    private TestPlans() {
    }

    static AgentIdentity identity() {
        return new AgentIdentity(AGENT, "aws-lab", "aws", "eu-west-1", "node-0", "shop", "frontend-0",
                List.of("127.0.0.1"), Map.of("app", "frontend"), Map.of(), List.of(TCP), Set.of());
    }

    static ProbeTask task(String id) {
        return ProbeTask.of(id, Protocol.TCP, "10.0.0.1", 7001, null, null, "checkout-4", 1, 500);
    }

    /** A round of {@code tasks} probes, self-checking the TCP responder when {@code selfCheck}. */
    static PlanRound round(String roundId, int tasks, boolean selfCheck) {
        List<ProbeTask> list = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            list.add(task(roundId + "-t" + i));
        }
        return new PlanRound(roundId, "lab", list, selfCheck ? List.of(TCP) : List.of(), 0);
    }

    static Plan plan(long version, long repeatEveryMillis, PlanRound... rounds) {
        return new Plan(AGENT, version, List.of(rounds), repeatEveryMillis);
    }

    /** A prober whose probes all connect at once, each result with an id of its own; it counts its probes. */
    static final class InstantRunner implements TaskRunner {
        private final Clock clock;
        final List<String> probed = new ArrayList<>();

        InstantRunner(Clock clock) {
            this.clock = clock;
        }

        @Override
        public CompletableFuture<ProbeResult> run(ProbeTask task, String roundId) {
            probed.add(roundId + "/" + task.taskId());
            return CompletableFuture.completedFuture(new ProbeResult(UUID.randomUUID().toString(), task.taskId(), AGENT,
                    roundId, Outcome.CONNECTED, 100, 1, "checkout-4", "", clock.millis()));
        }
    }
}
