package io.reachproof.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.reachproof.agent.Transport;
import io.reachproof.agent.control.AgentRuntime;
import io.reachproof.agent.control.NettyAgentRuntime;
import io.reachproof.cli.dataplane.Dataplane;
import io.reachproof.cli.dataplane.DataplaneException;
import io.reachproof.cli.dataplane.DataplaneLab;
import io.reachproof.cli.dataplane.LabClustersFile;
import io.reachproof.cli.dataplane.Shell;
import io.reachproof.coordinator.assembly.AssemblySettings;
import io.reachproof.coordinator.store.RecordSettings;
import io.reachproof.coordinator.store.StoreSettings;
import io.reachproof.coordinator.assembly.KubernetesSettings;
import io.reachproof.coordinator.restore.RollbackMode;
import io.reachproof.coordinator.restore.RollbackScope;
import io.reachproof.coordinator.assembly.CoordinatorAssembly;
import io.reachproof.coordinator.assembly.StartFailure;
import io.reachproof.coordinator.api.GateRoute;
import io.reachproof.coordinator.lab.LabFleet;
import io.reachproof.coordinator.rollback.WebhookConfig;
import io.reachproof.coordinator.round.ExpectationFiles;
import io.reachproof.coordinator.round.InvalidFiles;
import io.reachproof.coordinator.round.LoadedExpectation;
import io.reachproof.coordinator.round.PoliciesInForce;
import io.reachproof.coordinator.round.PolicyFiles;
import io.reachproof.coordinator.round.RoundListener;
import io.reachproof.expectations.GoDuration;
import io.reachproof.policy.Located;
import io.reachproof.policy.PolicyInput;
import io.reachproof.policy.PolicyInputReader;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.RoundReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code reachproof lab}: a coordinator and its agents on this machine, proving the lab expectations, with a live
 * table per round. Two labs:
 * <ul>
 *   <li>the <b>dataplane</b> lab (as root, with {@code ip} and {@code nft}; the default where it can run): three
 *       clusters of network namespaces ({@link DataplaneLab}), each with its own Kubernetes API (kubectl works on it)
 *       and an enforcer turning its NetworkPolicies into nftables rules on its nodes, and one node agent per node in
 *       workload mode probing as the pods: the verdicts are what the kernel does;</li>
 *   <li>the <b>loopback</b> lab: N agents on loopback addresses 127.0.X.Y posing as three clusters; nothing
 *       enforces a NetworkPolicy there, so the lab's expected deny shows as a HOLE.</li>
 * </ul>
 */
@Command(name = "lab", description = "Run a coordinator and its agents on this machine and show each probe round as a"
        + " table: group x group, cluster x cluster, and every mismatch. As root with ip and nft: three clusters of"
        + " network namespaces with their own Kubernetes API and NetworkPolicies enforced by nftables (--dataplane);"
        + " else a fleet on loopback addresses (--loopback).")
final class LabCommand implements Callable<Integer> {

    static final String LAB_RESOURCE = "/lab/lab.yaml";
    static final String LAB_FILE = "expectations/examples/lab.yaml";
    static final String DATAPLANE_RESOURCES = "/lab/dataplane/";
    static final String DATAPLANE_FILES = "expectations/examples/dataplane/";
    static final String DATAPLANE_TOPOLOGY_FILE = DATAPLANE_FILES + "topology.yaml";
    private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";
    private static final String CLEAR_SCREEN = "\033[H\033[2J";

    @Option(names = "--agents", defaultValue = "9", paramLabel = "N",
            description = "loopback lab: agents in the fleet (default ${DEFAULT-VALUE}); agent i: cluster i%%3, role (i/3)%%3")
    int agents;

    @Option(names = "--dataplane", description = "the lab of network namespaces, NetworkPolicies enforced by nftables"
            + " (needs root, ip and nft; the default where they are)")
    boolean dataplane;

    @Option(names = "--loopback", description = "the lab on loopback addresses, where nothing enforces NetworkPolicies")
    boolean loopback;

    @Option(names = "--topology", paramLabel = "FILE", description = "dataplane lab: the Namespaces and Pods every lab"
            + " cluster runs (kubectl get ns,pods -o yaml form; default: " + DATAPLANE_TOPOLOGY_FILE + ")")
    Path topology;

    @Option(names = "--clusters", paramLabel = "FILE", description = "dataplane lab: the lab's clusters and the CNI"
            + " behaviour profile of each (name, profile, lag; default: " + DATAPLANE_FILES + "clusters.yaml: aws-lab"
            + " enforcement-lag 45s, azure-lab reject, gcp-lab ipblock-ignores-pods)")
    Path clusters;

    @Option(names = "--nodes", defaultValue = "2", paramLabel = "N",
            description = "dataplane lab: nodes per cluster (default ${DEFAULT-VALUE})")
    int nodes;

    @Option(names = "--netns-prefix", hidden = true, defaultValue = DataplaneLab.PREFIX,
            description = "dataplane lab: what the lab's network namespace names start with (tests use their own)")
    String netnsPrefix;

    /** Counted down to stop the lab before its duration (tests). */
    final java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);

    @Option(names = "--lab-dir", paramLabel = "DIR", description = "where the lab's proof record (an H2 file) and, in the"
            + " dataplane lab, the clusters' kubeconfigs are written (default: the temporary directory's reachproof-lab)")
    Path labDir;

    @Option(names = "--store", paramLabel = "JDBC_URL", description = "where the lab keeps its proof record"
            + " (reachproof report --store JDBC_URL reads it; default: an H2 file in the lab's directory, --lab-dir)")
    String store;

    @Option(names = "--port", defaultValue = "7070", paramLabel = "P", description = "coordinator port (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--expectations", paramLabel = "FILE",
            description = "expectation file (default: " + DATAPLANE_FILES + "lab.yaml, or " + LAB_FILE + " on loopback)")
    Path expectations;

    @Option(names = "--policies", paramLabel = "PATH",
            description = "NetworkPolicy files or directories: dataplane lab: applied to every lab cluster (default: "
                    + DATAPLANE_FILES + "policies.yaml); loopback lab: what expectations with spec.fromPolicies derive"
                    + " their verdicts from")
    List<Path> policies;

    @Option(names = "--duration", paramLabel = "D", description = "stop after D (e.g. 30s, 2m); default: until Ctrl-C (20s with --json)")
    String duration;

    @Option(names = "--rollback", paramLabel = "MODE", defaultValue = "off",
            description = "dataplane lab: what a confirmed mismatch whose suspect is a policy change does in the lab"
                    + " clusters: off (a signal only; the default), dry-run (also says what it would restore), apply"
                    + " (restores the last proven policies of the topology's namespaces; see reachproof rollback)")
    String rollback;

    @Option(names = "--json", description = "print the last round report as JSON at the end (the table goes to stderr);"
            + " exit 1 when it has mismatches")
    boolean json;

    @Mixin
    WebhookOption webhook;

    @Option(names = "--loopback-net", hidden = true, defaultValue = LabFleet.DEFAULT_NET,
            description = "first two octets of the agents' addresses (tests use their own)")
    String net;

    @Spec
    CommandSpec spec;

    private final Function<AgentIdentity, AgentRuntime> runtimes;
    private List<DataplaneLab.LabCluster> labClusters = List.of();
    /**
     * The dataplane lab's policies in force: what the watch of each lab cluster writes and what the sets' cells
     * derived from the policies read (one instance, as the coordinator command has it).
     */
    private PoliciesInForce dataplanePolicies;

    LabCommand() {
        this(LabCommand::nettyAgent);
    }

    /** A lab agent: its responders on its own loopback address, one event loop and 64 probes at once. */
    static AgentRuntime nettyAgent(AgentIdentity identity) {
        return NettyAgentRuntime.start(identity, identity.addresses().get(0), Transport.detect(), 1, 64);
    }

    LabCommand(Function<AgentIdentity, AgentRuntime> runtimes) {
        this.runtimes = runtimes;
    }

    /** Rollback in every lab cluster, in {@code mode}, within the namespaces of the lab's pods. */
    private static List<RollbackScope> rollbackScopes(DataplaneLab lab, RollbackMode mode) {
        if (mode == RollbackMode.OFF) {
            return List.of();
        }
        List<String> namespaces = lab.dataplane().pods().stream().map(Dataplane.Pod::namespace).distinct().sorted().toList();
        return lab.kubeconfigs().keySet().stream().map(c -> new RollbackScope("lab", c, mode, namespaces)).toList();
    }

    @Override
    public Integer call() throws Exception {
        // the table is the lab's output: keep the coordinator's and agents' per-round logs out of it
        if (System.getProperty(LOG_LEVEL) == null) {
            System.setProperty(LOG_LEVEL, "warn");
        }
        if (agents < 1 || agents > 500) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--agents must be in 1..500 (each agent is a full agent with its own threads): " + agents);
        }
        if (port < 1 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port must be in 1..65535: " + port);
        }
        Duration runFor = duration == null ? (json ? Duration.ofSeconds(20) : null)
                : GoDuration.parse(duration).filter(d -> !d.isZero()).orElseThrow(() -> new CommandLine.ParameterException(
                        spec.commandLine(), "--duration must be a duration such as 30s or 2m: " + duration));
        Optional<WebhookConfig> hook = webhook.config(System.getenv());
        if (!net.matches("127\\.\\d{1,3}")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--loopback-net must be 127.N: " + net);
        }
        boolean onDataplane = dataplaneChosen();
        RollbackMode rollbackMode = RollbackMode.parse(rollback).orElseThrow(() -> new CommandLine.ParameterException(
                spec.commandLine(), "--rollback must be off, dry-run or apply, not '" + rollback + "'"));
        if (!onDataplane && rollbackMode != RollbackMode.OFF) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rollback needs the dataplane lab (--dataplane):"
                    + " on loopback no cluster API holds the policies to restore");
        }
        labClusters = onDataplane ? labClusters() : List.of();
        List<LoadedExpectation> sets = onDataplane ? dataplaneSets() : load();
        PrintWriter table = json ? spec.commandLine().getErr() : spec.commandLine().getOut();
        boolean live = !json && System.console() != null && !"dumb".equals(System.getenv("TERM"));
        AtomicReference<RoundReport> last = new AtomicReference<>();
        AtomicReference<String> header = new AtomicReference<>("");
        RoundListener show = report -> {
            last.set(report);
            synchronized (table) {
                // on a terminal the table is redrawn in place; piped, rounds follow one another
                table.print(live ? CLEAR_SCREEN + header.get() : "");
                table.println(LabTable.render(report));
                table.flush();
            }
            return report;
        };
        StoreSettings record = storeSettings();
        table.println("reachproof lab: proof record in " + record.url() + " (reachproof report --store '" + record.url() + "')");
        AssemblySettings settings = AssemblySettings.of(Lab.settings(port), sets).withWebhook(hook)
                .withListeners(List.of(show)).withRecord(Optional.of(new RecordSettings(record, List.of())));
        String fleet;
        CoordinatorAssembly started;
        if (onDataplane) {
            table.println("reachproof lab: " + labClusters.size() + " clusters of network namespaces (" + nodes
                    + " nodes each), their Kubernetes APIs and NetworkPolicies enforced by nftables; starting ...");
            table.flush();
            DataplaneLab lab = startDataplane();
            if (!lab.leftoversRemoved().isEmpty()) {
                table.println("reachproof lab: removed " + lab.leftoversRemoved().size() + " network namespaces a previous"
                        + " lab left behind (" + lab.leftoversRemoved().get(0) + ", ...)");
                table.flush();
            }
            try {
                started = start(settings.withCoordinator(settings.coordinator().withWorkloadClusters(
                        new java.util.LinkedHashSet<>(lab.kubeconfigs().keySet()))).withKubernetes(Optional.of(
                        new KubernetesSettings(lab.access(), dataplanePolicies, Optional.empty(), "--kubeconfig",
                                Optional.empty(), "the lab", "reachproof-lab", List.of(), rollbackScopes(lab, rollbackMode)))));
            } catch (RuntimeException | InterruptedException e) {
                lab.close();
                throw e;
            }
            started.own("dataplane lab", lab);
            try {
                started.own("lab node agents", lab.startAgents(started.url(), LabFleet::token));
            } catch (IllegalStateException | DataplaneException e) {
                started.close();
                throw new UserError("the lab could not start: " + e.getMessage());
            }
            started.startRounds();
            StringBuilder f = new StringBuilder("clusters: ");
            lab.kubeconfigs().forEach((cluster, file) -> f.append(cluster).append(" (").append(nodes).append(" nodes, ")
                    .append(lab.dataplane().pods().stream().filter(p -> p.cluster().equals(cluster)).count())
                    .append(" pods)  "));
            f.append("\nnode agents in workload mode probe as the pods; NetworkPolicies enforced by nftables on the nodes,"
                    + " each cluster as its CNI profile reads them:");
            for (DataplaneLab.LabCluster c : labClusters) {
                f.append("\n  ").append(c.name()).append(": ").append(c.describeProfile()).append(": ")
                        .append(c.profile().description());
            }
            lab.egressAddresses().forEach((cluster, egress) -> f.append("\n  ").append(cluster)
                    .append(": its pods' traffic to other clusters leaves SNATed to its nodes' addresses ").append(egress)
                    .append(" (its egressAddresses for the cells derived across clusters)"));
            f.append('\n');
            f.append("kubectl: ");
            lab.kubeconfigs().forEach((cluster, file) -> f.append("\n  kubectl --kubeconfig ").append(file)
                    .append(" apply -f policy.yaml   # ").append(cluster));
            fleet = f.toString();
        } else {
            if (!loopback) {
                table.println("reachproof lab: on loopback, where nothing enforces NetworkPolicies: the dataplane lab "
                        + Shell.whyNoDataplane().orElse("was not asked for"));
            }
            table.println("reachproof lab: starting a coordinator and " + agents + " agents on loopback ...");
            table.flush();
            started = start(settings);
            try {
                Lab.startAround(started, agents, net, runtimes);
            } catch (IllegalStateException e) {
                started.close();
                throw new UserError("the lab could not start: " + e.getMessage());
            }
            fleet = "fleet: " + agents + " agents in aws-lab, gcp-lab, azure-lab";
        }
        try (CoordinatorAssembly assembly = started) {
            assembly.closeOnShutdown();
            Thread stopper = new Thread(() -> {
                try {
                    stop.await();
                    started.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "reachproof-lab-stop");
            stopper.setDaemon(true);
            stopper.start();
            URI url = assembly.url();
            header.set("coordinator: " + url + "  (reachability page " + url
                    + "/, JSON: /v1/rounds/latest, /v1/matrix, /v1/agents)\n"
                    + fleet + "\nproving "
                    + String.join(", ", sets.stream().map(s -> s.name() + " every " + GoDuration.format(s.expectation().interval())).toList())
                    + (runFor == null ? "; Ctrl-C to stop" : "; stopping after " + GoDuration.format(runFor)) + "\n"
                    + TelemetryStartup.describe(assembly.telemetry(), url.toString()) + "\n"
                    + "gate: " + url + GateRoute.PATH + "?expectation=" + sets.get(0).name()
                    + (webhook.url == null ? "" : "; rollback signals to " + webhook.url) + "\n\n");
            synchronized (table) {
                table.print(header.get());
                table.flush();
            }
            if (runFor == null) {
                assembly.awaitClosed();
            } else if (!assembly.awaitClosed(runFor)) {
                assembly.drainSignals(Duration.ofSeconds(5));
            }
        }
        return finish(last.get());
    }

    /**
     * Whether this run is the dataplane lab: asked for ({@code --dataplane}; exit 2 naming what is missing), or the
     * default where it can run, unless {@code --loopback} or a loopback-only option was given.
     */
    private boolean dataplaneChosen() {
        var parsed = spec.commandLine().getParseResult();
        boolean loopbackOptions = parsed.hasMatchedOption("--agents") || parsed.hasMatchedOption("--loopback-net");
        if (clusters != null && (loopback || loopbackOptions)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--clusters is the dataplane lab's: it cannot go"
                    + " with --loopback, --agents or --loopback-net");
        }
        if (dataplane && (loopback || loopbackOptions)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--dataplane cannot go with --loopback, --agents"
                    + " or --loopback-net (they are the loopback lab's)");
        }
        if (nodes < 1 || nodes > 20) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--nodes must be in 1..20: " + nodes);
        }
        Optional<String> missing = Shell.whyNoDataplane();
        if (dataplane && missing.isPresent()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--dataplane " + missing.get()
                    + "; run the loopback lab with --loopback");
        }
        return dataplane || !loopback && !loopbackOptions && missing.isEmpty();
    }

    /** The dataplane lab's clusters: those of {@code --clusters FILE} (every mistake located), or the lab's own. */
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

    /** The dataplane lab's expectations: the file given, or the lab's own. */
    private List<LoadedExpectation> dataplaneSets() throws IOException {
        try {
            List<LoadedExpectation> sets = expectations != null ? expectationSets()
                    : ExpectationFiles.load(DATAPLANE_FILES + "lab.yaml", resource("lab.yaml"));
            dataplanePolicies = PoliciesInForce.of(Optional.empty(), labClusters.stream()
                    .map(DataplaneLab.LabCluster::name).toList(), DataplaneLab.egressAddresses(labClusters, nodes));
            return PolicyFiles.attach(sets, dataplanePolicies, "the dataplane lab takes them live from its clusters");
        } catch (InvalidFiles e) {
            throw new UserError(e.problems(), Main.EXIT_FAILED);
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = LabCommand.class.getResourceAsStream(DATAPLANE_RESOURCES + name)) {
            if (in == null) {
                throw new UserError("the dataplane lab's " + name + " is missing from this build (" + DATAPLANE_RESOURCES
                        + name + ")");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Builds the lab's clusters from the topology and the policies (given, or the lab's own). */
    private DataplaneLab startDataplane() throws IOException {
        PolicyInputReader.Result workloads = topology != null
                ? PolicyInputReader.read(List.of(), List.of(topology))
                : PolicyInputReader.readString(DATAPLANE_TOPOLOGY_FILE, resource("topology.yaml"));
        if (!workloads.errors().isEmpty()) {
            throw new UserError(workloads.errors(), Main.EXIT_FAILED);
        }
        List<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy> applied;
        try {
            PolicyInput given = policies != null && !policies.isEmpty() ? PolicyFiles.load(policies)
                    : PolicyInputReader.readString(DATAPLANE_FILES + "policies.yaml", resource("policies.yaml")).input();
            applied = given.policies().stream().map(Located::object).toList();
        } catch (InvalidFiles e) {
            throw new UserError(e.problems(), Main.EXIT_FAILED);
        }
        if (workloads.input().pods().isEmpty()) {
            throw new UserError((topology != null ? topology : DATAPLANE_TOPOLOGY_FILE) + ": no Pods: the lab clusters"
                    + " would have nothing to probe");
        }
        Path dir = labDirectory();
        try {
            return DataplaneLab.start(new DataplaneLab.Spec(netnsPrefix, dir, labClusters, nodes,
                    workloads.input().namespaces().stream().map(Located::object).toList(),
                    workloads.input().pods().stream().map(Located::object).toList(), applied),
                    DataplaneLab.Enforcers.NFTABLES);
        } catch (DataplaneException e) {
            throw new UserError("the dataplane lab could not start: " + e.getMessage());
        }
    }

    /**
     * {@code --store}, else an H2 file of this run in the lab's directory ({@code record-TIME-PID}, made): each lab is
     * new, so it neither continues an earlier lab's episodes nor shares its round schedule with a lab running beside it.
     */
    private StoreSettings storeSettings() {
        if (store != null) {
            try {
                return StoreSettings.of(store);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--store: " + e.getMessage());
            }
        }
        Path dir = labDirectory().resolve("record-" + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.now()) + "-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new UserError("cannot create the lab's directory " + dir + ": " + e.getMessage());
        }
        return StoreSettings.h2In(dir);
    }

    private Path labDirectory() {
        return labDir != null ? labDir : Path.of(System.getProperty("java.io.tmpdir"), "reachproof-lab");
    }

    /** The started coordinator; the port taken or another part that cannot start exits 1 naming it. */
    private CoordinatorAssembly start(AssemblySettings settings) throws InterruptedException {
        try {
            return CoordinatorAssembly.start(settings);
        } catch (StartFailure e) {
            if (e.getCause() instanceof BindException bind) {
                throw new UserError("cannot listen on 127.0.0.1:" + port + " (" + bind.getMessage() + "); choose another --port");
            }
            throw new UserError(e.getMessage());
        }
    }

    private int finish(RoundReport report) throws JsonProcessingException {
        if (!json) {
            return Main.EXIT_OK;
        }
        if (report == null) {
            throw new UserError("no round finished before the lab stopped; give it a longer --duration");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
        out.flush();
        return report.mismatches().isEmpty() ? Main.EXIT_OK : Main.EXIT_FAILED;
    }

    private List<LoadedExpectation> load() throws IOException {
        try {
            Optional<PolicyInput> policyInput = policies == null || policies.isEmpty() ? Optional.empty()
                    : Optional.of(PolicyFiles.load(policies));
            return PolicyFiles.attach(expectationSets(), PoliciesInForce.of(policyInput, List.of()),
                    "give them with --policies PATH");
        } catch (InvalidFiles e) {
            throw new UserError(e.problems(), Main.EXIT_FAILED);
        }
    }

    private List<LoadedExpectation> expectationSets() throws IOException, ExpectationFiles.InvalidExpectations {
        if (expectations != null) {
            if (!Files.isRegularFile(expectations)) {
                throw new UserError(expectations + ": no such file");
            }
            return ExpectationFiles.load(List.of(expectations));
        }
        try (InputStream in = LabCommand.class.getResourceAsStream(LAB_RESOURCE)) {
            if (in == null) {
                throw new UserError("the lab expectations are missing from this build (" + LAB_RESOURCE + ")");
            }
            return ExpectationFiles.load(LAB_FILE, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
