package io.reachproof.agent.control;

import static java.util.Objects.requireNonNull;

import io.netty.channel.EventLoopGroup;
import io.reachproof.agent.Transport;
import io.reachproof.agent.netns.NetnsRef;
import io.reachproof.agent.netns.NetnsSockets;
import io.reachproof.agent.netns.PodNetworkNamespaces;
import io.reachproof.agent.probe.Prober;
import io.reachproof.agent.responder.BorrowedListener;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.PodListener;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.TargetAnswer;
import io.reachproof.protocol.TargetReadiness;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Workload mode, first phase of a round, on a destination pod's node: makes each {@link PodListener}'s port answer
 * inside its pod (the app when it serves the port, else a {@link BorrowedListener}), then checks it from inside the
 * pod's own namespace, and says so as a {@link TargetReadiness}. Borrowed listeners stay until the round is
 * released. The {@code prober} must place a task's sockets in its source pod's namespace
 * ({@link io.reachproof.agent.probe.SocketPlacement#fromSourcePod}): the check is a probe from the pod to itself.
 */
public final class TargetPreparer implements TargetPreparing, AutoCloseable {

    static final long CHECK_TIMEOUT_MILLIS = 1000;

    private final String agentId;
    private final PodNetworkNamespaces pods;
    private final NetnsSockets sockets;
    private final Prober prober;
    private final EventLoopGroup group;
    private final Transport transport;
    private final Clock clock;
    private final Map<String, List<BorrowedListener>> borrowedByRound = new ConcurrentHashMap<>();

    public TargetPreparer(String agentId, PodNetworkNamespaces pods, NetnsSockets sockets, Prober prober,
            EventLoopGroup group, Transport transport, Clock clock) {
        this.agentId = requireNonNull(agentId, "agentId");
        this.pods = requireNonNull(pods, "pods");
        this.sockets = requireNonNull(sockets, "sockets");
        this.prober = requireNonNull(prober, "prober");
        this.group = requireNonNull(group, "group");
        this.transport = requireNonNull(transport, "transport");
        this.clock = requireNonNull(clock, "clock");
    }

    /** Prepares every listener of round {@code roundId}; one readiness each, in order. */
    @Override
    public List<TargetReadiness> prepare(String roundId, List<PodListener> listeners) throws InterruptedException {
        List<TargetReadiness> ready = new ArrayList<>(listeners.size());
        for (PodListener l : listeners) {
            ready.add(prepare(roundId, l));
        }
        return ready;
    }

    private TargetReadiness prepare(String roundId, PodListener l) throws InterruptedException {
        Optional<NetnsRef> namespace = pods.find(l.pod());
        if (namespace.isEmpty()) {
            return readiness(roundId, l, TargetAnswer.NONE, "pod " + l.pod().displayName() + " (" + l.pod().uid()
                    + ") has no network namespace on this node");
        }
        BorrowedListener.Outcome borrowed = BorrowedListener.borrow(l.pod(), l.port(), namespace.get(), sockets, group,
                transport);
        TargetAnswer answer;
        if (borrowed.listener().isPresent()) {
            borrowedByRound.computeIfAbsent(roundId, r -> new java.util.concurrent.CopyOnWriteArrayList<>())
                    .add(borrowed.listener().get());
            answer = TargetAnswer.BORROWED;
        } else if (borrowed.appServes()) {
            if ("UDP".equals(l.port().protocol())) {
                return readiness(roundId, l, TargetAnswer.NONE, "UDP " + l.port().port()
                        + " is the app's: it need not echo, so nothing proves a probe reached it");
            }
            answer = TargetAnswer.APP;
        } else {
            return readiness(roundId, l, TargetAnswer.NONE, borrowed.problem());
        }
        ProbeResult check = selfCheck(l, answer);
        if (check.outcome() != Outcome.CONNECTED) {
            return readiness(roundId, l, TargetAnswer.NONE, "the port did not answer its check from inside the pod: "
                    + check.outcome() + (check.detail().isEmpty() ? "" : " (" + check.detail() + ")"));
        }
        return readiness(roundId, l, answer, answer == TargetAnswer.APP ? "served by the pod's app" : "borrowed");
    }

    private ProbeResult selfCheck(PodListener l, TargetAnswer answer) throws InterruptedException {
        Protocol protocol = Protocol.valueOf(l.port().protocol());
        boolean http = protocol == Protocol.HTTP;
        String path = http ? (l.path() == null ? "/" : l.path()) : null;
        ProbeTask task = new ProbeTask("prepare-" + l.pod().uid() + "-" + l.port(), protocol, l.pod().ip(),
                l.port().port(), path, http ? "GET" : null, answer == TargetAnswer.BORROWED ? l.pod().peerId() : null, 2,
                CHECK_TIMEOUT_MILLIS, 100, 599, l.pod(), l.pod());
        try {
            return prober.probe(task, null).get(3 * CHECK_TIMEOUT_MILLIS + 2000, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return new ProbeResult("prepare", task.taskId(), agentId, null, Outcome.ERROR, 0, 0, null, e.toString(),
                    clock.millis());
        }
    }

    private TargetReadiness readiness(String roundId, PodListener l, TargetAnswer answer, String detail) {
        return new TargetReadiness(agentId, roundId, l.pod(), l.port(), answer, detail, clock.millis());
    }

    /** Closes the listeners borrowed for round {@code roundId} (the round ended). */
    @Override
    public void release(String roundId) {
        List<BorrowedListener> borrowed = borrowedByRound.remove(roundId);
        if (borrowed != null) {
            borrowed.forEach(BorrowedListener::close);
        }
    }

    /** Listeners borrowed now, over all rounds. */
    public int borrowed() {
        return borrowedByRound.values().stream().mapToInt(List::size).sum();
    }

    @Override
    public void close() {
        List.copyOf(borrowedByRound.keySet()).forEach(this::release);
    }
}
