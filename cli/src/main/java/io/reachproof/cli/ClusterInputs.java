package io.reachproof.cli;

import io.reachproof.policy.PolicyEngine;
import io.reachproof.policy.PolicyInput;
import io.reachproof.policy.PolicyInputReader;
import io.reachproof.policy.TruthTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * Where {@code check} and {@code diff} find each cluster's topology: one {@code --topology} (cluster
 * {@value #DEFAULT_CLUSTER}) or a {@code --snapshot DIR} written by {@code reachproof snapshot}, one cluster per
 * {@code DIR/CLUSTER/topology.yaml}, with its live NetworkPolicies in {@code DIR/CLUSTER/policies/}.
 */
final class ClusterInputs {

    /** The cluster of a single {@code --topology}. */
    static final String DEFAULT_CLUSTER = "default";

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--topology", paramLabel = "PATH",
                description = "Namespaces and Pods (a cluster dump), or workload manifests (Deployments, StatefulSets,"
                        + " DaemonSets, Pods): one cluster, named " + DEFAULT_CLUSTER)
        Path topology;

        @Option(names = "--snapshot", paramLabel = "DIR",
                description = "a directory written by reachproof snapshot: DIR/CLUSTER/topology.yaml and DIR/CLUSTER/policies/")
        Path snapshot;
    }

    /** One cluster: its name, topology files and the NetworkPolicies it runs now (empty when unknown). */
    record Cluster(String name, Path topology, Optional<Path> livePolicies) {
    }

    /** The clusters, in name order; a snapshot without clusters is a {@link UserError} (exit 2). */
    List<Cluster> clusters() {
        if (source.topology != null) {
            return List.of(new Cluster(DEFAULT_CLUSTER, source.topology, Optional.empty()));
        }
        Path dir = source.snapshot;
        if (!Files.isDirectory(dir)) {
            throw new UserError(List.of(dir + ": no such snapshot directory"), Main.EXIT_USAGE);
        }
        List<Cluster> clusters = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : children.sorted().toList()) {
                Path topology = child.resolve("topology.yaml");
                if (Files.isRegularFile(topology)) {
                    Path policies = child.resolve("policies");
                    clusters.add(new Cluster(child.getFileName().toString(), topology,
                            Files.isDirectory(policies) ? Optional.of(policies) : Optional.empty()));
                }
            }
        } catch (IOException e) {
            throw new UserError(List.of(dir + ": cannot read the snapshot: " + e.getMessage()), Main.EXIT_USAGE);
        }
        if (clusters.isEmpty()) {
            throw new UserError(List.of(dir + ": no CLUSTER/topology.yaml in the snapshot (write one with reachproof snapshot)"),
                    Main.EXIT_USAGE);
        }
        return clusters;
    }

    /** The NetworkPolicies under {@code paths} (Pods and Namespaces there are ignored). */
    static PolicyInputReader.Result readPolicies(List<Path> paths) {
        return PolicyInputReader.read(paths, List.of());
    }

    /** The Namespaces, Pods and workloads of {@code topology} (NetworkPolicies there are ignored). */
    static PolicyInputReader.Result readTopology(Path topology) {
        return PolicyInputReader.read(List.of(), List.of(topology));
    }

    /** The truth table of {@code policies} (none when empty) over {@code topology}; bad input is a UserError (exit 2). */
    static TruthTable compile(List<Path> policies, Path topology, PrintWriter err) {
        PolicyInputReader.Result policiesRead = readPolicies(policies);
        PolicyInputReader.Result topologyRead = readTopology(topology);
        printSkipped(err, policiesRead, topologyRead);
        return compile(policiesRead, topologyRead);
    }

    /** Names the objects of other kinds that the reads skipped, one line each, on {@code err}. */
    static void printSkipped(PrintWriter err, PolicyInputReader.Result... reads) {
        for (PolicyInputReader.Result read : reads) {
            read.input().skipped().forEach(err::println);
        }
        err.flush();
    }

    /**
     * The truth table of the policies read over the topology read (each read once, whatever compiles them); bad
     * input is a UserError (exit 2) listing every problem.
     */
    static TruthTable compile(PolicyInputReader.Result policies, PolicyInputReader.Result topology) {
        List<String> skipped = new ArrayList<>(policies.input().skipped());
        skipped.addAll(topology.input().skipped());
        List<String> readErrors = new ArrayList<>(policies.errors());
        readErrors.addAll(topology.errors());
        PolicyInput input = new PolicyInput(policies.input().policies(), topology.input().namespaces(),
                topology.input().pods(), skipped);
        PolicyEngine.Result result = PolicyEngine.compile(input, readErrors);
        if (!result.errors().isEmpty()) {
            throw new UserError(result.errors(), Main.EXIT_USAGE);
        }
        return result.table().orElseThrow();
    }
}
