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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Workload mode, first phase of a round, on a destination pod's node: makes each {@link PodListener}'s port answer
 * inside its pod (the app when it serves the port, else a {@link BorrowedListener}), then checks it from inside the
 * pod's own namespace, and says so as a {@link TargetReadiness}. Borrowed listeners stay until the round is
 * released or its deadline passes, whichever comes first. The {@code prober} must place a task's sockets in its source pod's namespace
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

    /**
     * Prepares every listener of round {@code roundId}: opens what must be borrowed, then checks every port at once
     * from inside its pod; one readiness each, in order. What is borrowed is given back at
     * {@code deadlineEpochMillis} unless {@link #release} came first.
     */
    @Override
    public List<TargetReadiness> prepare(String roundId, long deadlineEpochMillis, List<PodListener> listeners)
            throws InterruptedException {
        List<Opened> opened = new ArrayList<>(listeners.size());
        for (PodListener l : listeners) {
            opened.add(open(roundId, l));
        }
        if (borrowedByRound.containsKey(roundId)) {
            long delay = Math.max(0, deadlineEpochMillis - clock.millis());
            try {
                // on the borrowed listeners' own loop, which must not wait for a close
                group.schedule(() -> release(roundId, BorrowedListener::closeLater), delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                // the agent is stopping: close() gives everything back
            }
        }
        List<CompletableFuture<ProbeResult>> checks = new ArrayList<>(opened.size());
        for (Opened o : opened) {
            checks.add(o.answer() == null ? null : selfCheck(o.listener(), o.answer()));
        }
        List<TargetReadiness> ready = new ArrayList<>(opened.size());
        for (int i = 0; i < opened.size(); i++) {
            Opened o = opened.get(i);
            ready.add(o.answer() == null ? o.unready() : checked(roundId, o, await(checks.get(i), o.listener())));
        }
        return ready;
    }

    /** A listener's port after opening: the answer to check, or (answer null) why it cannot answer. */
    private record Opened(PodListener listener, TargetAnswer answer, TargetReadiness unready) {
    }

    private Opened open(String roundId, PodListener l) {
        Optional<NetnsRef> namespace = pods.find(l.pod());
        if (namespace.isEmpty()) {
            return unready(roundId, l, "pod " + l.pod().displayName() + " (" + l.pod().uid()
                    + ") has no network namespace on this node");
        }
        if (l.declared()) {
            // the pod declares the port: it is the app's even while the app is starting, so it is never borrowed
            // (an app binding it meanwhile would fail); it answers when the app serves it, which its check proves
            return new Opened(l, TargetAnswer.APP, null);
        }
        BorrowedListener.Outcome borrowed = BorrowedListener.borrow(l.pod(), l.port(), l.path(), namespace.get(), sockets,
                group, transport);
        if (borrowed.listener().isPresent()) {
            borrowedByRound.computeIfAbsent(roundId, r -> new CopyOnWriteArrayList<>()).add(borrowed.listener().get());
            return new Opened(l, TargetAnswer.BORROWED, null);
        }
        if (!borrowed.appServes()) {
            return unready(roundId, l, borrowed.problem());
        }
        return new Opened(l, TargetAnswer.APP, null);
    }

    private Opened unready(String roundId, PodListener l, String why) {
        return new Opened(l, null, readiness(roundId, l, TargetAnswer.NONE, why));
    }

    private TargetReadiness checked(String roundId, Opened o, ProbeResult check) {
        if (check.outcome() != Outcome.CONNECTED && o.answer() == TargetAnswer.APP && "UDP".equals(o.listener().port().protocol())) {
            // a probe of a UDP port is proven by a reply: an app that does not answer a datagram proves nothing
            return readiness(roundId, o.listener(), TargetAnswer.NONE, "UDP " + o.listener().port().port()
                    + " is the app's and did not answer its check from inside the pod (" + check.outcome()
                    + "): an app need not answer a datagram, so nothing would prove a probe reached it");
        }
        if (check.outcome() != Outcome.CONNECTED) {
            return readiness(roundId, o.listener(), TargetAnswer.NONE,
                    "the port did not answer its check from inside the pod: " + check.outcome()
                            + (check.detail().isEmpty() ? "" : " (" + check.detail() + ")")
                            + (o.listener().declared() ? "; the pod declares it, so it is left to the app (not borrowed)" : ""));
        }
        return readiness(roundId, o.listener(), o.answer(),
                o.answer() == TargetAnswer.APP ? "served by the pod's app" : "borrowed");
    }

    /** A probe from the pod to its own address and port, leaving from the pod's namespace. */
    private CompletableFuture<ProbeResult> selfCheck(PodListener l, TargetAnswer answer) {
        Protocol protocol = Protocol.valueOf(l.port().protocol());
        boolean http = protocol == Protocol.HTTP;
        String path = http ? (l.path() == null ? "/" : l.path()) : null;
        ProbeTask task = new ProbeTask("prepare-" + l.pod().uid() + "-" + l.port(), protocol, l.pod().ip(),
                l.port().port(), path, http ? "GET" : null, answer == TargetAnswer.BORROWED ? l.pod().peerId() : null, 2,
                CHECK_TIMEOUT_MILLIS, 100, 599, l.pod(), l.pod());
        return prober.probe(task, null);
    }

    private ProbeResult await(CompletableFuture<ProbeResult> check, PodListener l) throws InterruptedException {
        try {
            return check.get(3 * CHECK_TIMEOUT_MILLIS + 2000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return new ProbeResult("prepare", "prepare-" + l.pod().uid() + "-" + l.port(), agentId, null, Outcome.ERROR,
                    0, 0, null, e.toString(), clock.millis());
        }
    }

    private TargetReadiness readiness(String roundId, PodListener l, TargetAnswer answer, String detail) {
        return new TargetReadiness(agentId, roundId, l.pod(), l.port(), answer, detail, clock.millis());
    }

    /** Closes the listeners borrowed for round {@code roundId} (the round ended). */
    @Override
    public void release(String roundId) {
        release(roundId, BorrowedListener::close);
    }

    private void release(String roundId, Consumer<BorrowedListener> closing) {
        List<BorrowedListener> borrowed = borrowedByRound.remove(roundId);
        if (borrowed != null) {
            borrowed.forEach(closing);
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
