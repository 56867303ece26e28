package io.reachproof.cli.conformance;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.reachproof.cli.conformance.ConformanceSuite.SuitePod;
import io.reachproof.cli.conformance.SuiteCluster.LatePod;
import io.reachproof.cli.dataplane.DataplaneLab.LabCluster;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.PodRef;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The conformance suite run on one cluster ({@link SuiteCluster}: a lab cluster of a CNI profile, or a real cluster in
 * scratch namespaces): the suite's namespaces and pods made, each pod serving every suite port; the suite's policies
 * applied through the API; then, once the rules have landed (every probe that must be denied is, or
 * {@code settleTimeout} passed), every feature's probes sent from the source pod's own namespace; last, the
 * enforcement delay measured on a changed policy and a new pod. Everything it made is deleted when it ends, on
 * failure too.
 */
public final class ConformanceRun {

    private static final Logger LOG = LoggerFactory.getLogger(ConformanceRun.class);
    private static final long POLL_MILLIS = 100;

    /** How long the rules may take to land, and how long the delay measure waits for a deny. */
    public record Timeouts(Duration settle, Duration delay) {
        public Timeouts {
            requireNonNull(settle, "settle");
            requireNonNull(delay, "delay");
        }

        /** What a cluster that may lag {@code lag} needs: its lag and 15 s more. */
        public static Timeouts after(Duration lag) {
            Duration t = lag.plusSeconds(15);
            return new Timeouts(t, t);
        }
    }

    private final SuiteCluster cluster;
    private final Timeouts timeouts;
    private final Map<String, PodRef> refs = new HashMap<>();
    private final AtomicLong ids = new AtomicLong();

    private ConformanceRun(SuiteCluster cluster, Timeouts timeouts) {
        this.cluster = cluster;
        this.timeouts = timeouts;
    }

    /**
     * Runs the whole suite on a lab cluster of {@code lab}'s profile, built here (its network namespaces named
     * {@code prefix-...}, its kubeconfig in {@code dir}), and returns its report; the cluster is gone when it returns.
     */
    public static ConformanceReport onLab(LabCluster lab, String prefix, Path dir) throws InterruptedException {
        try (SuiteCluster c = new LabSuiteCluster(lab, prefix, dir)) {
            return new ConformanceRun(c, Timeouts.after(lab.lag())).go();
        }
    }

    /**
     * Runs the whole suite in a real cluster ({@code settings}), from this runner's node, and returns its report; the
     * scratch namespaces are deleted when it returns.
     */
    public static ConformanceReport onCluster(KubernetesSuiteCluster.Settings settings, Timeouts timeouts)
            throws InterruptedException {
        try (SuiteCluster c = new KubernetesSuiteCluster(settings)) {
            return new ConformanceRun(c, timeouts).go();
        }
    }

    private ConformanceReport go() throws InterruptedException {
        long started = System.nanoTime();
        boolean outside = cluster.noOutsideHosts().isEmpty();
        refs.putAll(cluster.create(ConformanceSuite.namespaces(outside), ConformanceSuite.pods(outside)));
        Map<String, String> ipOf = new LinkedHashMap<>();
        refs.forEach((key, ref) -> ipOf.put(key, ref.ip()));
        for (NetworkPolicy np : ConformanceSuite.policies(ipOf, cluster.outsideCidr())) {
            cluster.apply(np);
        }
        long settleStart = System.nanoTime();
        boolean settled = settle(outside);
        long settleMillis = (System.nanoTime() - settleStart) / 1_000_000;

        // every feature's probes at once: the features live in namespaces of their own
        List<CellCheck> all = new ArrayList<>();
        for (Feature f : probed(outside)) {
            all.addAll(ConformanceSuite.checks(f));
        }
        Map<CellCheck, CellObservation> seen = new HashMap<>();
        probeAll(all, 2, 1000).forEach(o -> seen.put(o.check(), o));
        List<FeatureResult> results = new ArrayList<>();
        for (Feature f : Feature.values()) {
            List<CellObservation> cells = ConformanceSuite.checks(f).stream().map(seen::get).toList();
            switch (f) {
                case SCTP -> results.add(FeatureJudge.notSupported(f, sctpSupport()));
                case IPBLOCK_EXCEPT -> results.add(outside ? FeatureJudge.judge(f, cells)
                        : FeatureJudge.notSupported(f, cluster.noOutsideHosts().orElseThrow()));
                case ENFORCEMENT_DELAY -> results.add(measureDelay());
                case DENY_DROPS -> results.add(FeatureJudge.judgeDenyMode(cells));
                default -> results.add(FeatureJudge.judge(f, cells));
            }
        }
        ConformanceReport.Subject subject = cluster.subject();
        return new ConformanceReport(subject, results, subject.profile().map(ConformanceSuite::documentedDeviations)
                .orElse(Set.of()), settled, settleMillis, (System.nanoTime() - started) / 1_000_000);
    }

    /** The features proved by probing here: all, less ipBlock with except where no host outside the cluster is. */
    private static List<Feature> probed(boolean outside) {
        List<Feature> features = new ArrayList<>(List.of(Feature.values()));
        if (!outside) {
            features.remove(Feature.IPBLOCK_EXCEPT);
        }
        return features;
    }

    /** Waits until every probe the suite expects denied is denied; false when the timeout passed first. */
    private boolean settle(boolean outside) throws InterruptedException {
        List<CellCheck> denied = new ArrayList<>();
        for (Feature f : probed(outside)) {
            ConformanceSuite.checks(f).stream().filter(c -> !c.allowed()).forEach(denied::add);
        }
        long deadline = System.nanoTime() + timeouts.settle().toNanos();
        while (System.nanoTime() < deadline) {
            if (probeAll(denied, 1, 300).stream().allMatch(CellObservation::denied)) {
                return true;
            }
            Thread.sleep(POLL_MILLIS);
        }
        LOG.info("cluster {}: not every denied probe was denied within {}", cluster.subject().cluster(),
                timeouts.settle());
        return false;
    }

    private List<CellObservation> probeAll(List<CellCheck> checks, int attempts, long timeoutMillis)
            throws InterruptedException {
        List<CompletableFuture<ProbeResult>> running = new ArrayList<>();
        for (CellCheck c : checks) {
            running.add(probe(c, attempts, timeoutMillis));
        }
        List<CellObservation> seen = new ArrayList<>();
        for (int i = 0; i < checks.size(); i++) {
            ProbeResult r;
            try {
                r = running.get(i).get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                seen.add(new CellObservation(checks.get(i), Outcome.ERROR, e.toString()));
                continue;
            }
            seen.add(new CellObservation(checks.get(i), r.outcome(), r.detail()));
        }
        return seen;
    }

    private CompletableFuture<ProbeResult> probe(CellCheck c, int attempts, long timeoutMillis) {
        PodRef from = refs.get(c.from());
        PodRef to = refs.get(c.to());
        return cluster.prober().probe(new ProbeTask("conformance-" + ids.incrementAndGet(), c.protocol(), to.ip(),
                c.port(), null, null, null, attempts, timeoutMillis, 200, 299, from, to), "conformance");
    }

    /** Whether this kernel has SCTP; the probers speak TCP and UDP only, so SCTP is never proved here. */
    static String sctpSupport() {
        if (!Files.exists(Path.of("/proc/net/sctp"))) {
            return "this kernel has no SCTP (no /proc/net/sctp): no SCTP socket can be opened to probe with";
        }
        return "the probers speak TCP and UDP only: SCTP is not probed";
    }

    /**
     * Times how long a changed policy ({@code delay/server} denied) and a new pod ({@code delaynew/late}, under a
     * deny-all from the start) stay open: both made at once, then probed every {@value #POLL_MILLIS} ms until denied.
     * The policy's window counts from its creation, the pod's from when it could first be probed (in a real cluster,
     * once it runs and serves).
     */
    private FeatureResult measureDelay() throws InterruptedException {
        CellCheck changed = new CellCheck("delay/client", "delay/server", 80, Protocol.TCP, false);
        CellCheck fresh = new CellCheck("delay/client", "delaynew/late", 80, Protocol.TCP, false);
        CellObservation before = probeAll(List.of(changed), 1, 1000).get(0);
        if (!before.connected()) {
            return new FeatureResult(Feature.ENFORCEMENT_DELAY, FeatureStatus.FAIL, "could not measure: "
                    + changed.describe() + " was " + before.outcome() + " before the policy was applied", List.of(before));
        }
        SuitePod late = ConformanceSuite.latePod();
        long[] t0 = new long[1];
        CompletableFuture<LatePod> ready = cluster.startLate(late, () -> {
            t0[0] = System.nanoTime();
            cluster.apply(ConformanceSuite.delayPolicy());
        });
        Optional<Duration> policyWindow = Optional.empty();
        Optional<Duration> podWindow = Optional.empty();
        Map<CellCheck, CellObservation> last = new LinkedHashMap<>();
        long deadline = t0[0] + timeouts.delay().toNanos();
        while (System.nanoTime() < deadline && (policyWindow.isEmpty() || podWindow.isEmpty())) {
            List<CellCheck> now = new ArrayList<>();
            if (policyWindow.isEmpty()) {
                now.add(changed);
            }
            LatePod pod = ready.isDone() && !ready.isCompletedExceptionally() ? ready.join() : null;
            if (pod != null && podWindow.isEmpty()) {
                refs.putIfAbsent(late.key(), pod.ref());
                now.add(fresh);
            }
            // a probe's time is when it was sent: a drop is only known once its timeout passed
            long sent = System.nanoTime();
            for (CellObservation o : probeAll(now, 1, 200)) {
                last.put(o.check(), o);
                if (o.check().equals(changed) && o.denied()) {
                    policyWindow = Optional.of(Duration.ofNanos(sent - t0[0]));
                } else if (o.check().equals(fresh) && o.denied()) {
                    podWindow = Optional.of(Duration.ofNanos(Math.max(0, sent - pod.readyNanos())));
                }
            }
            if (ready.isCompletedExceptionally()) {
                return new FeatureResult(Feature.ENFORCEMENT_DELAY, FeatureStatus.FAIL, "could not measure: the new pod "
                        + late.key() + " did not come up: " + cause(ready), List.of(before));
            }
            if (policyWindow.isEmpty() || podWindow.isEmpty()) {
                Thread.sleep(POLL_MILLIS);
            }
        }
        List<CellObservation> cells = new ArrayList<>(List.of(before));
        cells.addAll(last.values());
        if (!ready.isDone()) {
            ready.cancel(true);
            return new FeatureResult(Feature.ENFORCEMENT_DELAY, FeatureStatus.FAIL, "could not measure: the new pod "
                    + late.key() + " was not serving after " + timeouts.delay().toMillis() + " ms", cells);
        }
        return FeatureJudge.judgeDelay(policyWindow, podWindow, ConformanceSuite.DELAY_LIMIT, timeouts.delay(), cells);
    }

    private static String cause(CompletableFuture<?> failed) {
        try {
            failed.join();
            return "";
        } catch (java.util.concurrent.CompletionException e) {
            return e.getCause() == null ? e.toString() : e.getCause().getMessage();
        }
    }
}
