package io.reachproof.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.reachproof.coordinator.kube.KubernetesClients;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code reachproof snapshot}: each cluster's topology and live NetworkPolicies as files {@code check} and
 * {@code diff} read ({@code --snapshot DIR}). Read only; see {@link ClusterSnapshot} for what is (never) written.
 */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Writes each cluster's topology (Namespaces, Pods with labels, IPs, declared ports, owner) and live"
                + " NetworkPolicies to DIR/CLUSTER/topology.yaml and DIR/CLUSTER/policies/, for check and diff"
                + " --snapshot DIR. Read only (list Namespaces, Pods, NetworkPolicies); env values, Secrets and"
                + " anything else not needed are never written.")
final class SnapshotCommand implements Callable<Integer> {

    private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    @Option(names = "--kubernetes", required = true, arity = "1..*", paramLabel = "CLUSTER[=KUBECONFIG[#CONTEXT]]",
            description = "a cluster to read: CLUSTER alone through --kubeconfig or the default (in-cluster, then"
                    + " ~/.kube/config); CLUSTER=KUBECONFIG[#CONTEXT] through that file (its current context, or CONTEXT)")
    List<String> clusters;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "the kubeconfig of the CLUSTER given without one")
    Path kubeconfig;

    @Option(names = "--namespace", paramLabel = "NS", description = "read only these namespaces (repeatable; default: all)")
    List<String> namespaces = List.of();

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "where to write DIR/CLUSTER/...")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        take(clusters, kubeconfig, namespaces, out, stdout);
        stdout.flush();
        return Main.EXIT_OK;
    }

    /**
     * Writes the snapshot of every cluster of {@code clusters} ({@code --kubernetes} values) under {@code out}, a line
     * per cluster on {@code log}; a bad value or an unreadable cluster is a {@link UserError} naming it.
     */
    static void take(List<String> clusters, Path kubeconfig, List<String> namespaces, Path out, PrintWriter log)
            throws IOException {
        List<WatchedCluster> watched = WatchedCluster.parseAll(clusters);
        for (WatchedCluster c : watched) {
            if (!CLUSTER_NAME.matcher(c.name()).matches()) {
                throw new UserError(List.of(c.option() + ": the cluster name becomes a directory: letters, digits, '.',"
                        + " '_' and '-' only"), Main.EXIT_USAGE);
            }
        }
        ClusterSnapshot snapshot = new ClusterSnapshot();
        for (WatchedCluster c : watched) {
            KubernetesClient client;
            try {
                client = c.own() ? KubernetesClients.connect(kubeconfig)
                        : KubernetesClients.connect(c.kubeconfig().orElseThrow(), c.context().orElse(null));
            } catch (IllegalArgumentException e) {
                throw new UserError(List.of(c.option() + ": " + e.getMessage()), Main.EXIT_USAGE);
            }
            try (client) {
                ClusterSnapshot.Written w = snapshot.write(client, c.name(), namespaces, out);
                log.println(w.dir() + ": " + CheckReportWriter.count(w.namespaces(), "namespace") + ", "
                        + CheckReportWriter.count(w.pods(), "pod") + ", " + CheckReportWriter.count(w.policies(), "NetworkPolicy")
                        .replace("NetworkPolicys", "NetworkPolicies"));
            } catch (KubernetesClientException e) {
                throw new UserError(List.of(c.option() + ": cannot read the cluster: " + KubernetesClients.problem(e)),
                        Main.EXIT_FAILED);
            }
        }
        log.flush();
    }
}
