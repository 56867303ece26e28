package io.reachproof.agent.control;

import static java.util.Objects.requireNonNull;

import io.reachproof.protocol.BatchAck;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.ResultBatch;
import io.reachproof.protocol.SelfCheckStatus;
import io.reachproof.protocol.TargetReadiness;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivers the spool to the coordinator, oldest batch first, each in parts no larger than the coordinator
 * accepts. A batch is forgotten only once the coordinator acknowledged all its parts; one cut short (the
 * coordinator went away, or restarted) is sent whole again the next time, and the coordinator recognises
 * the results it already has by their ids.
 */
final class SpoolDelivery {

    private final ResultSpool spool;
    private final ControlChannel channel;
    private final AtomicLong delivered = new AtomicLong();

    SpoolDelivery(ResultSpool spool, ControlChannel channel) {
        this.spool = requireNonNull(spool, "spool");
        this.channel = requireNonNull(channel, "channel");
    }

    /** Results the coordinator acknowledged (accepted or recognised as already delivered). */
    long delivered() {
        return delivered.get();
    }

    /**
     * Delivers until the spool is empty or the coordinator stops answering.
     *
     * @param maxBatchResults the most results (and self-checks) the coordinator takes in one batch
     * @return how many spooled batches were delivered
     */
    synchronized int deliverAll(int maxBatchResults) throws IOException, InterruptedException, CoordinatorRejected {
        int batches = 0;
        Optional<ResultSpool.Segment> next;
        while ((next = spool.oldest()).isPresent()) {
            ResultSpool.Segment segment = next.get();
            for (ResultBatch part : split(segment.batch(), maxBatchResults)) {
                BatchAck a = channel.deliver(part);
                delivered.addAndGet(a.accepted() + a.duplicates());
            }
            spool.remove(segment);
            batches++;
        }
        return batches;
    }

    /**
     * The batch in parts of at most {@code max} entries each: its results, then its self-checks and target readiness
     * in parts of their own; the batch itself when it fits.
     */
    static List<ResultBatch> split(ResultBatch batch, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1: " + max);
        }
        if (batch.results().size() + batch.selfChecks().size() + batch.targets().size() <= max) {
            return List.of(batch);
        }
        List<ResultBatch> parts = new ArrayList<>();
        List<ProbeResult> results = batch.results();
        for (int i = 0; i < results.size(); i += max) {
            parts.add(new ResultBatch(batch.agentId(), results.subList(i, Math.min(results.size(), i + max)), List.of()));
        }
        List<SelfCheckStatus> checks = batch.selfChecks();
        List<TargetReadiness> targets = batch.targets();
        int c = 0;
        int t = 0;
        while (c < checks.size() || t < targets.size()) {
            int takeChecks = Math.min(max, checks.size() - c);
            int takeTargets = Math.min(max - takeChecks, targets.size() - t);
            parts.add(new ResultBatch(batch.agentId(), List.of(), checks.subList(c, c + takeChecks),
                    targets.subList(t, t + takeTargets)));
            c += takeChecks;
            t += takeTargets;
        }
        return parts;
    }
}
