package io.reachproof.cli;

import io.reachproof.coordinator.assembly.Coordinator;
import io.reachproof.coordinator.assembly.CoordinatorConfig;
import io.reachproof.coordinator.assembly.AssemblySettings;
import io.reachproof.coordinator.assembly.CoordinatorAssembly;
import io.reachproof.coordinator.assembly.KubernetesSettings;
import io.reachproof.coordinator.assembly.StartFailure;
import io.reachproof.coordinator.api.GateRoute;
import io.reachproof.coordinator.drift.SyncGroup;
import io.reachproof.coordinator.restore.RollbackScope;
import io.reachproof.coordinator.rollback.WebhookConfig;
import io.reachproof.coordinator.round.ExpectationFiles;
import io.reachproof.coordinator.round.InvalidFiles;
import io.reachproof.coordinator.round.LoadedExpectation;
import io.reachproof.coordinator.round.PoliciesInForce;
import io.reachproof.coordinator.round.PolicyFiles;
import io.reachproof.expectations.GoDuration;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.reachproof.policy.Located;
import io.reachproof.policy.PolicyInput;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import io.reachproof.coordinator.store.ExpectationVersion;
import io.reachproof.coordinator.store.RecordSettings;
import io.reachproof.coordinator.store.StoreSettings;
import java.time.Instant;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code reachproof coordinator --config FILE}: schedules probe rounds of the configured expectation sets,
 * serves the agent protocol (/v1) and the status API until stopped (SIGTERM / Ctrl-C). An invalid
 * configuration or expectation file exits 1 naming the key or FILE:LINE:COLUMN. Each {@code --kubernetes}
 * cluster gets its own client, NetworkPolicy watch and Event sink; a cluster that cannot be reached at start
 * exits 1 naming its {@code --kubernetes} value, with everything already started closed again.
 */
@Command(name = "coordinator", description = "Run the coordinator: schedule probe rounds, serve the agent protocol and status API.")
final class CoordinatorCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "coordinator configuration (YAML or JSON): bind, port, tokens, expectations, policies, timings")
    Path config;

    @Mixin
    WebhookOption webhook;

    @Option(names = "--kubernetes", paramLabel = "CLUSTER[=KUBECONFIG[#CONTEXT]]",
            description = "watch the NetworkPolicies of a cluster (the policies in force there for spec.fromPolicies,"
                    + " live; a change runs a round at once) and record rollback signals as Events there; repeatable."
                    + " CLUSTER: the coordinator's own cluster (--kubeconfig, else the service account, else"
                    + " ~/.kube/config); CLUSTER=KUBECONFIG[#CONTEXT]: another cluster, through that kubeconfig")
    List<String> kubernetes = new ArrayList<>();

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "kubeconfig of the coordinator's own cluster (--kubernetes CLUSTER, leader election;"
                    + " default: the pod's service account, then ~/.kube/config)")
    Path kubeconfig;

    @Option(names = "--git-revision", paramLabel = "REV",
            description = "the git revision of the expectation files, kept with their versions in the proof record")
    String gitRevision;

    @Spec
    CommandSpec spec;

    /** The {@code --kubernetes} values, parsed. */
    private List<WatchedCluster> watched;

    @Override
    public Integer call() throws InterruptedException {
        AssemblySettings settings = settings();
        try (CoordinatorAssembly assembly = start(settings)) {
            assembly.closeOnShutdown();
            printStarted(assembly, settings);
            assembly.awaitClosed();
        }
        return Main.EXIT_OK;
    }

    /** The options and files, read into the assembly's settings; a mistake is a UserError naming it. */
    private AssemblySettings settings() {
        if (!Files.isRegularFile(config)) {
            throw new UserError(config + ": no such file");
        }
        watched = WatchedCluster.parseAll(kubernetes);
        CoordinatorConfig cfg;
        try {
            cfg = CoordinatorConfig.read(config);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        for (WatchedCluster c : watched) {
            if (!cfg.settings().tokens().containsKey(c.name())) {
                throw new UserError(c.option() + ": " + config + " has no token for cluster " + c.name()
                        + ", so none of its agents could join (tokens: "
                        + String.join(", ", new TreeSet<>(cfg.settings().tokens().keySet())) + ")");
            }
        }
        if (kubeconfig != null && watched.stream().noneMatch(WatchedCluster::own) && cfg.leaderElection().isEmpty()) {
            throw new UserError("--kubeconfig: it serves only the coordinator's own cluster (--kubernetes CLUSTER) and"
                    + " leader election, and neither is used; give another cluster's kubeconfig as --kubernetes"
                    + " CLUSTER=KUBECONFIG");
        }
        List<String> names = watched.stream().map(WatchedCluster::name).toList();
        List<LoadedExpectation> sets;
        PoliciesInForce policies;
        try {
            Optional<PolicyInput> files = cfg.policyPaths().isEmpty() ? Optional.empty()
                    : Optional.of(PolicyFiles.load(cfg.policyPaths()));
            policies = PoliciesInForce.of(files, names, cfg.egressAddresses());
            sets = PolicyFiles.attach(ExpectationFiles.load(cfg.expectationFiles()), policies, "set 'policies' in " + config
                    + ", or take them live from the cluster with --kubernetes CLUSTER");
        } catch (InvalidFiles e) {
            throw new UserError(e.problems(), Main.EXIT_FAILED);
        }
        List<SyncGroup> groups = syncGroups(cfg);
        Optional<WebhookConfig> hook = webhook.config(System.getenv());
        String instance = System.getenv().getOrDefault("POD_NAME",
                System.getenv().getOrDefault("HOSTNAME", "reachproof-coordinator"));
        Optional<KubernetesSettings> k8s;
        try {
            k8s = watched.isEmpty() && cfg.leaderElection().isEmpty() && groups.isEmpty() ? Optional.empty()
                    : Optional.of(new KubernetesSettings(watched.stream().map(WatchedCluster::access).toList(), policies,
                            Optional.ofNullable(kubeconfig), "--kubeconfig", cfg.leaderElection(), config.toString(), instance,
                            groups, rollbackScopes(cfg)));
        } catch (IllegalArgumentException e) {
            throw new UserError(config + ": " + e.getMessage());
        }
        return AssemblySettings.of(cfg.settings(), sets).withWebhook(hook).withKubernetes(k8s)
                .withRecord(Optional.of(recordSettings(cfg.store(), cfg.expectationFiles(), Optional.ofNullable(gitRevision))));
    }

    /** The store and the version of each expectation file (its sets by name, the content hash, the git revision). */
    static RecordSettings recordSettings(StoreSettings store, List<Path> expectationFiles, Optional<String> gitRevision) {
        Instant now = Instant.now();
        List<ExpectationVersion> versions = new ArrayList<>();
        for (Path file : expectationFiles) {
            try {
                for (LoadedExpectation e : ExpectationFiles.load(List.of(file))) {
                    versions.add(RecordSettings.version(e.name(), file, gitRevision, now));
                }
            } catch (InvalidFiles e) {
                throw new UserError(e.problems(), Main.EXIT_FAILED);
            }
        }
        return new RecordSettings(store, versions);
    }

    /** Where rollback acts: each cluster a sync group gives a rollback mode, with that group's namespaces. */
    static List<RollbackScope> rollbackScopes(CoordinatorConfig cfg) {
        List<RollbackScope> scopes = new ArrayList<>();
        for (CoordinatorConfig.SyncGroupConfig g : cfg.syncGroups()) {
            g.rollback().forEach((cluster, mode) -> scopes.add(new RollbackScope(g.name(), cluster, mode, g.namespaces())));
        }
        return scopes;
    }

    /** The sync groups of the configuration, each source of truth read and validated now. */
    private List<SyncGroup> syncGroups(CoordinatorConfig cfg) {
        List<SyncGroup> groups = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (CoordinatorConfig.SyncGroupConfig g : cfg.syncGroups()) {
            Optional<List<Located<NetworkPolicy>>> source = Optional.empty();
            if (g.source().isPresent()) {
                try {
                    source = Optional.of(PolicyFiles.load(List.of(g.source().get())).policies());
                } catch (InvalidFiles e) {
                    problems.addAll(e.problems());
                    continue;
                }
            }
            groups.add(new SyncGroup(g.name(), g.clusters(), g.namespaces(), source,
                    g.source().map(Path::toString).orElse("each other")));
        }
        if (!problems.isEmpty()) {
            throw new UserError(problems, Main.EXIT_FAILED);
        }
        return groups;
    }

    /** The started assembly; a part that cannot start exits 1 naming it (what started before is closed again). */
    private static CoordinatorAssembly start(AssemblySettings settings) throws InterruptedException {
        try {
            return CoordinatorAssembly.start(settings);
        } catch (StartFailure e) {
            throw new UserError(e.getMessage());
        }
    }

    private void printStarted(CoordinatorAssembly assembly, AssemblySettings settings) {
        PrintWriter out = spec.commandLine().getOut();
        URI url = assembly.url();
        out.println("reachproof coordinator listening on " + url);
        out.println("  " + TelemetryStartup.describe(assembly.telemetry(), url.toString()));
        assembly.leaderElection().ifPresent(election -> out.println("  leader election: Lease " + election.namespace()
                + "/" + settings.kubernetes().orElseThrow().leaderElection().orElseThrow().name() + " as " + election.identity() + " (standby until elected; "
                + url + Coordinator.READY_PATH + " answers 200 on the leader)"));
        for (WatchedCluster c : watched) {
            out.println("  watching the NetworkPolicies of cluster " + c.name() + " at " + assembly.apiServerOf(c.name())
                    + " (" + c.describeAccess(kubeconfig) + ")");
        }
        settings.record().ifPresent(r -> out.println("  proof record in " + r.store() + " (reachproof report --store "
                + r.store().url() + ", or " + url + "/v1/report)"));
        out.println("  gate " + url + GateRoute.PATH + "; rollback signals to "
                + (assembly.sinks().isEmpty() ? "no sink (see --webhook, --kubernetes)" : assembly.sinks().toString()));
        for (LoadedExpectation e : settings.expectations()) {
            out.println("  proving " + e.name() + " (" + e.cells().size() + " cells" + (e.policies().isPresent()
                    ? " + cells from " + e.policies().get().describe() : "") + ") every "
                    + GoDuration.format(e.expectation().interval()));
        }
        out.flush();
    }
}
