package io.reachproof.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.reachproof.agent.pods.ProcPodNetworkNamespaces;
import io.reachproof.cli.conformance.ConformanceReport;
import io.reachproof.cli.conformance.ConformanceReportWriter;
import io.reachproof.cli.conformance.ConformanceRun;
import io.reachproof.cli.conformance.ConformanceSetupException;
import io.reachproof.cli.conformance.Feature;
import io.reachproof.cli.conformance.KubernetesSuiteCluster;
import io.reachproof.cli.dataplane.DataplaneException;
import io.reachproof.cli.dataplane.DataplaneLab;
import io.reachproof.cli.dataplane.LabClustersFile;
import io.reachproof.cli.dataplane.Shell;
import io.reachproof.coordinator.kube.KubernetesClients;
import io.reachproof.protocol.Json;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code reachproof conformance --cluster C}: how a cluster's CNI enforces NetworkPolicies, feature by feature, proved
 * with real probes ({@link ConformanceRun}). A lab cluster: the suite runs on a cluster of network namespaces whose
 * enforcer reads the policies as that lab cluster's CNI profile does. A real cluster ({@code --kubeconfig} or
 * {@code --in-cluster}): the suite runs in scratch namespaces it creates and deletes, from the node this runs on, as a
 * node agent in workload mode probes.
 */
@Command(name = "conformance", description = {"Prove, feature by feature, how a cluster's CNI enforces NetworkPolicies"
        + " (ingress, egress, selectors, named ports, endPort, ipBlock, UDP, SCTP, deny as drop, enforcement delay):"
        + " pass / fail / not supported with the observed evidence.",
        "A lab cluster (needs root, ip and nft), or a real cluster with --kubeconfig or --in-cluster: then it runs on"
        + " one of the cluster's nodes as root with hostPID (deploy/conformance), makes scratch namespaces PREFIX-*,"
        + " pods pinned to that node and the suite's policies in them, probes from inside the pods, and deletes the"
        + " scratch namespaces at the end; it touches no other namespace."})
final class ConformanceCommand implements Callable<Integer> {

    @Option(names = "--cluster", required = true, paramLabel = "C", description = "the cluster to prove: a lab cluster"
            + " (default lab: aws-lab, azure-lab, gcp-lab; or one of --clusters FILE), or with --kubeconfig or"
            + " --in-cluster the name the report gives the real cluster")
    String cluster;

    @Option(names = "--clusters", paramLabel = "FILE", description = "the lab's clusters and their CNI profiles, as"
            + " lab --clusters takes them (default: the default lab's)")
    Path clusters;

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
            description = "text (default), json or markdown")
    String format;

    @Option(names = "--lab-dir", paramLabel = "DIR", description = "where the suite cluster's kubeconfig is written"
            + " (default: the temporary directory's reachproof-conformance)")
    Path labDir;

    @Option(names = "--netns-prefix", hidden = true, defaultValue = "rpconf",
            description = "what the suite's network namespace names start with (tests use their own)")
    String netnsPrefix;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "a real cluster: its kubeconfig (its"
            + " current-context, or --context)")
    Path kubeconfig;

    @Option(names = "--context", paramLabel = "CTX", description = "the context of --kubeconfig to use")
    String context;

    @Option(names = "--in-cluster", description = "a real cluster: the one this runs in, through the pod's service"
            + " account")
    boolean inCluster;

    @Option(names = "--node", paramLabel = "NODE", description = "a real cluster: the node this runs on, where the"
            + " suite's pods go (default: the environment variable NODE_NAME)")
    String node;

    @Option(names = "--pod-image", paramLabel = "IMAGE", description = "a real cluster: the image of the suite's pods"
            + " (default: " + KubernetesSuiteCluster.DEFAULT_POD_IMAGE + "; only its network namespace is used)")
    String podImage;

    @Option(names = "--namespace-prefix", paramLabel = "PREFIX", description = "a real cluster: what the scratch"
            + " namespaces are named PREFIX-<feature> after (default: reachproof-conformance-<5 random hex digits>)")
    String namespacePrefix;

    @Option(names = "--pod-timeout", defaultValue = "120s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "a real cluster: how long the suite's pods may take to run (image pull included; default 120s)")
    Duration podTimeout;

    @Option(names = "--settle-timeout", defaultValue = "60s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "a real cluster: how long the suite's policies may take to be enforced before the features are"
                    + " judged, and how long the delay measure waits for a deny (default 60s)")
    Duration settleTimeout;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        if (!List.of("text", "json", "markdown").contains(format)) {
            throw usage("--format must be text, json or markdown: " + format);
        }
        ConformanceReport report = kubeconfig != null || inCluster ? onCluster() : onLab();
        PrintWriter out = spec.commandLine().getOut();
        out.print(switch (format) {
            case "json" -> ConformanceReportWriter.json(report, Json.mapper()) + "\n";
            case "markdown" -> ConformanceReportWriter.markdown(report);
            default -> ConformanceReportWriter.text(report);
        });
        out.flush();
        return report.failed().isEmpty() ? Main.EXIT_OK : Main.EXIT_FAILED;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private ConformanceReport onLab() throws InterruptedException {
        for (String realOnly : List.of("--context", "--node", "--pod-image", "--namespace-prefix")) {
            if (spec.commandLine().getParseResult().hasMatchedOption(realOnly)) {
                throw usage(realOnly + " is for a real cluster: give --kubeconfig FILE or --in-cluster");
            }
        }
        List<DataplaneLab.LabCluster> lab = labClusters();
        Optional<DataplaneLab.LabCluster> chosen = lab.stream().filter(c -> c.name().equals(cluster)).findFirst();
        if (chosen.isEmpty()) {
            throw usage("--cluster " + cluster + " is no lab cluster (" + lab.stream().map(DataplaneLab.LabCluster::name)
                    .collect(Collectors.joining(", ")) + "); to prove a real cluster give --kubeconfig FILE or"
                    + " --in-cluster");
        }
        Optional<String> missing = Shell.whyNoDataplane();
        if (missing.isPresent()) {
            throw usage("conformance on a lab cluster " + missing.get());
        }
        announce("building lab cluster " + cluster + " (CNI profile " + chosen.get().describeProfile() + ")");
        Path dir = labDir != null ? labDir : Path.of(System.getProperty("java.io.tmpdir"), "reachproof-conformance");
        try {
            return ConformanceRun.onLab(chosen.get(), netnsPrefix, dir);
        } catch (DataplaneException e) {
            throw new UserError("conformance: the lab cluster could not be built: " + e.getMessage());
        }
    }

    private ConformanceReport onCluster() throws InterruptedException {
        if (kubeconfig != null && inCluster) {
            throw usage("--kubeconfig and --in-cluster name two ways to the cluster: give one");
        }
        if (context != null && kubeconfig == null) {
            throw usage("--context needs --kubeconfig");
        }
        if (clusters != null || labDir != null) {
            throw usage((clusters != null ? "--clusters" : "--lab-dir") + " is for a lab cluster, not with "
                    + (inCluster ? "--in-cluster" : "--kubeconfig"));
        }
        String onNode = node != null ? node : System.getenv("NODE_NAME");
        if (onNode == null || onNode.isBlank()) {
            throw usage("a real cluster needs the node this runs on: --node NODE, or the environment variable NODE_NAME"
                    + " (the Job in deploy/conformance sets it)");
        }
        String prefix = namespacePrefix != null ? namespacePrefix
                : "reachproof-conformance-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xFFFFF));
        KubernetesSuiteCluster.prefixProblem(prefix).ifPresent(p -> {
            throw usage("--namespace-prefix " + prefix + ": " + p);
        });
        if (inCluster && System.getenv("KUBERNETES_SERVICE_HOST") == null) {
            throw usage("--in-cluster: this does not run in a pod of the cluster (no KUBERNETES_SERVICE_HOST); from"
                    + " outside give --kubeconfig FILE");
        }
        long uid = effectiveUid();
        if (uid != 0) {
            throw usage("conformance on a real cluster needs root on the node (to enter the pods' network namespaces,"
                    + " CAP_SYS_ADMIN and CAP_SYS_PTRACE); running as uid " + (uid < 0 ? "unknown (no /proc)" : uid));
        }
        KubernetesClient client;
        try {
            client = kubeconfig != null ? KubernetesClients.connect(kubeconfig, context)
                    : new KubernetesClientBuilder().build();
        } catch (IllegalArgumentException e) {
            throw new UserError(List.of(e.getMessage()), Main.EXIT_USAGE);
        }
        try (client) {
            List<String> left = KubernetesSuiteCluster.leftovers(client);
            if (!left.isEmpty()) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("conformance: " + left.size() + " scratch namespace(s) of earlier runs remain (a run killed"
                        + " outright cannot delete its own): " + String.join(", ", left) + "; delete them with kubectl"
                        + " delete namespace -l " + KubernetesSuiteCluster.RUN_LABEL);
                err.flush();
            }
            announce("cluster " + cluster + ", from node " + onNode + ", in scratch namespaces " + prefix + "-*");
            return ConformanceRun.onCluster(new KubernetesSuiteCluster.Settings(cluster, client, onNode,
                    podImage != null ? podImage : KubernetesSuiteCluster.DEFAULT_POD_IMAGE, prefix,
                    new ProcPodNetworkNamespaces(Path.of("/proc")), podTimeout, Duration.ofSeconds(60)),
                    new ConformanceRun.Timeouts(settleTimeout, settleTimeout));
        } catch (ConformanceSetupException e) {
            throw new UserError(List.of("conformance: " + e.getMessage()), Main.EXIT_USAGE);
        } catch (KubernetesClientException e) {
            throw new UserError(List.of("conformance: the API server of cluster " + cluster + " refused: "
                    + KubernetesClients.problem(e)), Main.EXIT_USAGE);
        }
    }

    /**
     * This process's effective uid, from the owner of {@code /proc/self} (a container's user may have no name), or -1
     * without /proc.
     */
    private static long effectiveUid() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return -1;
        }
    }

    private void announce(String what) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("conformance: " + what + ": proving " + Feature.values().length + " features ...");
        err.flush();
    }

    private List<DataplaneLab.LabCluster> labClusters() {
        if (clusters == null) {
            return DataplaneLab.CLUSTERS;
        }
        if (!Files.isRegularFile(clusters)) {
            throw new UserError(clusters + ": no such file");
        }
        try {
            return LabClustersFile.read(clusters);
        } catch (LabClustersFile.Invalid e) {
            throw new UserError(e.lines(), Main.EXIT_FAILED);
        }
    }
}
