package io.reachproof.agent.control;

import io.reachproof.agent.ManualClock;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.BatchAck;
import io.reachproof.protocol.Heartbeat;
import io.reachproof.protocol.Plan;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.RegistrationAck;
import io.reachproof.protocol.ResultBatch;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A coordinator in memory, as an agent's {@link ControlChannel} sees it: it can be down (every call fails
 * as if refused), restart (it forgets its agents, as a real one does), lose an acknowledgement, and refuse
 * batches over its limit. A plan poll with nothing new takes the poll timeout on the clock, as a long poll
 * does. Results it receives are kept by id, the way the real one recognises a resent batch.
 */
final class FakeCoordinator implements ControlChannel {

    static final long HEARTBEAT_MILLIS = 1_000;
    static final long POLL_TIMEOUT_MILLIS = 10_000;

    private final ManualClock clock;
    private final int maxBatchResults;
    private final Set<String> known = new HashSet<>();
    private final Set<String> resultIds = new HashSet<>();
    final List<ResultBatch> batches = new ArrayList<>();
    final List<Heartbeat> heartbeats = new ArrayList<>();
    private boolean up = true;
    private int registrations;
    private int refuseRegistrations;
    private int duplicates;
    private boolean loseNextAck;
    private Plan plan;

    FakeCoordinator(ManualClock clock, int maxBatchResults) {
        this.clock = clock;
        this.maxBatchResults = maxBatchResults;
    }

    void down() {
        up = false;
    }

    void up() {
        up = true;
    }

    /** Comes back without its memory of agents; the results it took stay taken (they are in its store). */
    void restart() {
        known.clear();
        up = true;
    }

    void publish(Plan next) {
        plan = next;
    }

    /** The next {@code n} registrations fail as if the coordinator were not there yet. */
    void refuseRegistrations(int n) {
        refuseRegistrations = n;
    }

    /** The next delivery is taken, but its acknowledgement never reaches the agent. */
    void loseNextAck() {
        loseNextAck = true;
    }

    int registrations() {
        return registrations;
    }

    /** Results taken, each once. */
    Set<String> resultIds() {
        return Set.copyOf(resultIds);
    }

    /** Results sent again after they had been taken. */
    int duplicates() {
        return duplicates;
    }

    @Override
    public RegistrationAck register(AgentIdentity identity) throws IOException {
        reachable();
        if (refuseRegistrations > 0) {
            refuseRegistrations--;
            throw new ConnectException("Connection refused");
        }
        registrations++;
        known.add(identity.agentId());
        return new RegistrationAck(identity.agentId(), HEARTBEAT_MILLIS, POLL_TIMEOUT_MILLIS, maxBatchResults);
    }

    @Override
    public void heartbeat(Heartbeat heartbeat) throws IOException, CoordinatorRejected {
        reachable();
        knows(heartbeat.agentId());
        heartbeats.add(heartbeat);
    }

    @Override
    public BatchAck deliver(ResultBatch batch) throws IOException, CoordinatorRejected {
        reachable();
        knows(batch.agentId());
        int size = batch.results().size() + batch.selfChecks().size();
        if (size > maxBatchResults) {
            throw new CoordinatorRejected(413, "413 from POST /v1/results: batch of " + size + " over " + maxBatchResults);
        }
        batches.add(batch);
        int accepted = 0;
        int again = 0;
        for (ProbeResult r : batch.results()) {
            if (resultIds.add(r.resultId())) {
                accepted++;
            } else {
                again++;
            }
        }
        duplicates += again;
        if (loseNextAck) {
            loseNextAck = false;
            throw new IOException("connection reset before the acknowledgement");
        }
        return new BatchAck(accepted, again, 0);
    }

    @Override
    public Optional<Plan> poll(String agentId, long version, Duration wait) throws IOException, CoordinatorRejected {
        reachable();
        knows(agentId);
        if (plan != null && plan.version() != version) {
            return Optional.of(plan);
        }
        clock.advance(wait);
        return Optional.empty();
    }

    private void reachable() throws IOException {
        if (!up) {
            throw new ConnectException("Connection refused");
        }
    }

    private void knows(String agentId) throws CoordinatorRejected {
        if (!known.contains(agentId)) {
            throw new CoordinatorRejected(404, "404: unknown agent " + agentId);
        }
    }
}
