package io.reachproof.cli.conformance;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.reachproof.agent.probe.Prober;
import io.reachproof.cli.conformance.ConformanceSuite.SuitePod;
import io.reachproof.protocol.PodRef;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where the conformance suite runs: a lab cluster it builds ({@link LabSuiteCluster}) or a real cluster it visits in
 * scratch namespaces ({@link KubernetesSuiteCluster}). Either way the suite's pods get real network namespaces whose
 * every suite port answers, and are probed from their own namespaces. Pods and namespaces are named as the suite names
 * them ({@code ingress/client}); a cluster maps them to its own names. {@link #close()} removes everything it made.
 */
interface SuiteCluster extends AutoCloseable {

    /** The late pod of the enforcement-delay measure, and when it could first be probed ({@link System#nanoTime()}). */
    record LatePod(PodRef ref, long readyNanos) {
    }

    /** The cluster, as the report names it. */
    ConformanceReport.Subject subject();

    /** Empty when hosts outside the cluster can probe its pods (ipBlock with except); else why not. */
    Optional<String> noOutsideHosts();

    /** The subnet of the hosts outside the cluster; empty where there are none. */
    Optional<String> outsideCidr();

    /**
     * Makes {@code namespaces} (suite name -> labels) and {@code pods}, each pod serving every suite port, and returns
     * each pod's reference (its real namespace, uid and address) by suite key.
     */
    Map<String, PodRef> create(Map<String, Map<String, String>> namespaces, List<SuitePod> pods);

    /** Creates {@code policy} (in its suite namespace) through the cluster's API. */
    void apply(NetworkPolicy policy);

    /** The prober that sends from a source pod's own network namespace. */
    Prober prober();

    /**
     * Runs {@code start} (the delay measure's clock starts there), then brings {@code pod} into the cluster; the future
     * completes once the pod serves its ports.
     */
    CompletableFuture<LatePod> startLate(SuitePod pod, Runnable start);

    @Override
    void close();
}
