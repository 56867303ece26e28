package io.reachproof.agent.control;

import io.reachproof.protocol.PodListener;
import io.reachproof.protocol.TargetAnswer;
import io.reachproof.protocol.TargetReadiness;
import java.time.Clock;
import java.util.List;

/** The first phase of a workload-mode round on a destination node (see {@link TargetPreparer}). */
public interface TargetPreparing {

    /**
     * Makes each listener's port answer inside its pod for round {@code roundId}, until {@code deadlineEpochMillis}
     * at the latest (what is borrowed is given back then, even when no one calls {@link #release}); one readiness
     * each, in order.
     */
    List<TargetReadiness> prepare(String roundId, long deadlineEpochMillis, List<PodListener> listeners)
            throws InterruptedException;

    /** The round ended: what was borrowed for it is given back. */
    void release(String roundId);

    /** An agent not in workload mode: it enters no pod, so every prepared port is {@link TargetAnswer#NONE}. */
    static TargetPreparing none(String agentId, Clock clock) {
        return new TargetPreparing() {
            @Override
            public List<TargetReadiness> prepare(String roundId, long deadlineEpochMillis, List<PodListener> listeners) {
                return listeners.stream().map(l -> new TargetReadiness(agentId, roundId, l.pod(), l.port(),
                        TargetAnswer.NONE, "agent " + agentId + " is not in workload mode", clock.millis())).toList();
            }

            @Override
            public void release(String roundId) {
            }
        };
    }
}
