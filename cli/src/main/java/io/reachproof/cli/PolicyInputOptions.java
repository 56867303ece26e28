package io.reachproof.cli;

import io.reachproof.policy.Cidr;
import io.reachproof.policy.EgressAddresses;
import io.reachproof.policy.MultiClusterTable;
import io.reachproof.policy.PolicyEngine;
import io.reachproof.policy.PolicyInputReader;
import io.reachproof.policy.TruthTable;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The inputs of {@code compile} and {@code explain}: policies and topology of one cluster ({@code --policies},
 * {@code --topology}), or of several ({@code --cluster NAME=POLICIES,TOPOLOGY}, each cluster's egress addresses
 * with {@code --egress-addresses NAME=podIP|CIDR,...}), read and compiled once.
 */
final class PolicyInputOptions {

    @Option(names = "--policies", paramLabel = "PATH",
            description = "NetworkPolicies: a YAML/JSON file or a directory (recursive); Pods and Namespaces in it are ignored")
    Path policies;

    @Option(names = "--topology", paramLabel = "PATH",
            description = "Namespaces and Pods (e.g. kubectl get ns,pods,networkpolicies -A -o yaml); NetworkPolicies in it are ignored")
    Path topology;

    @Option(names = "--cluster", paramLabel = "NAME=POLICIES,TOPOLOGY",
            description = "one cluster of several (repeat): its NetworkPolicies and its topology, as --policies and --topology;"
                    + " pods are then CLUSTER/NS/POD and pairs across clusters are judged by address")
    List<String> clusters = new ArrayList<>();

    @Option(names = "--egress-addresses", paramLabel = "NAME=podIP|CIDR,...",
            description = "with --cluster: the address(es) cluster NAME's pod traffic arrives from in the other clusters:"
                    + " podIP (the default: a flat network) or the CIDRs its egress is translated to (SNAT)")
    List<String> egressAddresses = new ArrayList<>();

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** A usage error (exit 2), as picocli reports a missing option. */
    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(command.commandLine(), message);
    }

    /** Whether several clusters were given ({@code --cluster}). */
    boolean multiCluster() {
        return !clusters.isEmpty();
    }

    /** Reads and compiles one cluster; skipped objects are named on {@code err}; invalid input is a {@link UserError}. */
    TruthTable load(PrintWriter err) {
        if (multiCluster()) {
            throw usage("--cluster gives several clusters; this command reads one (--policies and --topology)");
        }
        if (policies == null || topology == null) {
            throw usage(policies == null && topology == null
                    ? "Missing required options: '--policies=PATH' and '--topology=PATH' (or --cluster NAME=POLICIES,TOPOLOGY"
                            + " for each of several clusters)"
                    : "Missing required option: '" + (policies == null ? "--policies" : "--topology") + "=PATH'");
        }
        if (!egressAddresses.isEmpty()) {
            throw usage("--egress-addresses needs several clusters (--cluster NAME=POLICIES,TOPOLOGY)");
        }
        return compile(policies, topology, err);
    }

    /** Reads and compiles every {@code --cluster}; invalid input is a {@link UserError}. */
    MultiClusterTable loadClusters(PrintWriter err) {
        if (policies != null || topology != null) {
            throw usage("--cluster and --policies/--topology are exclusive: give every cluster with --cluster");
        }
        Map<String, EgressAddresses> egress = new LinkedHashMap<>();
        for (String e : egressAddresses) {
            int eq = e.indexOf('=');
            if (eq <= 0) {
                throw usage("--egress-addresses must be NAME=podIP or NAME=CIDR,...: " + e);
            }
            String name = e.substring(0, eq);
            String value = e.substring(eq + 1);
            if (value.equals("podIP")) {
                egress.put(name, EgressAddresses.POD_IP);
                continue;
            }
            List<Cidr> cidrs = new ArrayList<>();
            for (String c : value.split(",", -1)) {
                Optional<Cidr> cidr = Cidr.parse(c.strip());
                if (cidr.isEmpty()) {
                    throw usage("--egress-addresses " + name + ": not podIP or a CIDR (10.0.0.1/32): " + c);
                }
                cidrs.add(cidr.get());
            }
            egress.put(name, new EgressAddresses(cidrs));
        }
        List<MultiClusterTable.Member> members = new ArrayList<>();
        for (String c : clusters) {
            int eq = c.indexOf('=');
            String[] paths = eq <= 0 ? new String[0] : c.substring(eq + 1).split(",", -1);
            if (paths.length != 2 || paths[0].isBlank() || paths[1].isBlank()) {
                throw usage("--cluster must be NAME=POLICIES,TOPOLOGY: " + c);
            }
            String name = c.substring(0, eq);
            if (members.stream().anyMatch(m -> m.name().equals(name))) {
                throw usage("--cluster " + name + " is given twice");
            }
            members.add(new MultiClusterTable.Member(name, compile(Path.of(paths[0]), Path.of(paths[1]), err),
                    egress.getOrDefault(name, EgressAddresses.POD_IP)));
        }
        for (String name : egress.keySet()) {
            if (members.stream().noneMatch(m -> m.name().equals(name))) {
                throw usage("--egress-addresses names cluster " + name + ", which no --cluster gives");
            }
        }
        return new MultiClusterTable(members);
    }

    private static TruthTable compile(Path policies, Path topology, PrintWriter err) {
        PolicyInputReader.Result read = PolicyInputReader.read(List.of(policies), List.of(topology));
        read.input().skipped().forEach(err::println);
        err.flush();
        PolicyEngine.Result result = PolicyEngine.compile(read.input(), read.errors());
        if (!result.errors().isEmpty()) {
            throw new UserError(result.errors(), Main.EXIT_FAILED);
        }
        return result.table().orElseThrow();
    }
}
