package io.reachproof.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.reachproof.coordinator.Coordinator;
import io.reachproof.coordinator.CoordinatorConfig;
import io.reachproof.coordinator.gate.GateRoute;
import io.reachproof.coordinator.kube.KubernetesClients;
import io.reachproof.coordinator.kube.LeaderElection;
import io.reachproof.coordinator.kube.LeaderElectionSettings;
import io.reachproof.coordinator.kube.NetworkPolicyWatch;
import io.reachproof.coordinator.rollback.RollbackSink;
import io.reachproof.coordinator.rollback.RollbackWiring;
import io.reachproof.coordinator.rollback.SignalTracker.Confirmations;
import io.reachproof.coordinator.round.ExpectationFiles;
import io.reachproof.coordinator.round.InvalidFiles;
import io.reachproof.coordinator.round.LoadedExpectation;
import io.reachproof.coordinator.round.PoliciesInForce;
import io.reachproof.coordinator.round.PolicyFiles;
import io.reachproof.coordinator.telemetry.Telemetry;
import io.reachproof.expectations.GoDuration;
import io.reachproof.policy.PolicyInput;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
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

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (!Files.isRegularFile(config)) {
            throw new UserError(config + ": no such file");
        }
        List<WatchedCluster> watched = WatchedCluster.parseAll(kubernetes);
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
            policies = PoliciesInForce.of(files, names);
            sets = PolicyFiles.attach(ExpectationFiles.load(cfg.expectationFiles()), policies, "set 'policies' in " + config
                    + ", or take them live from the cluster with --kubernetes CLUSTER");
        } catch (InvalidFiles e) {
            throw new UserError(e.problems(), Main.EXIT_FAILED);
        }
        List<RollbackSink> sinks = webhook.sinks(System.getenv());
        String instance = System.getenv().getOrDefault("POD_NAME",
                System.getenv().getOrDefault("HOSTNAME", "reachproof-coordinator"));
        ClusterClients clients;
        try {
            clients = ClusterClients.connect(watched, kubeconfig, cfg.leaderElection().isPresent());
        } catch (UserError e) {
            sinks.forEach(RollbackSink::close);
            throw e;
        }
        sinks.addAll(RollbackWiring.events(clients.byCluster(), instance));
        Telemetry telemetry = TelemetryStartup.fromEnvironment();
        Coordinator coordinator = new Coordinator(cfg.settings(), sets, Clock.systemUTC());
        // telemetry's listener first: later listeners (rollback signals) see the trace id
        telemetry.install(coordinator);
        RollbackWiring rollback = RollbackWiring.install(coordinator, sinks, Confirmations.DEFAULT,
                cfg.settings().adminToken());
        LeaderElection[] election = new LeaderElection[1];
        List<NetworkPolicyWatch> watches = new CopyOnWriteArrayList<>();
        if (cfg.leaderElection().isPresent()) {
            // a standby until the Lease is won: no rounds, no signals, agents answered 503
            coordinator.leading(false);
        }
        Runnable closeAll = () -> {
            if (election[0] != null) {
                // first: stop scheduling and release the Lease so the standby takes over at once
                election[0].close();
            }
            watches.forEach(NetworkPolicyWatch::close);
            coordinator.close();
            rollback.close();
            telemetry.close();
            clients.close();
        };
        // before the coordinator starts: its first round already has every watched cluster's policies
        for (WatchedCluster c : watched) {
            KubernetesClient client = clients.of(c.name());
            try {
                watches.add(NetworkPolicyWatch.start(client, c.name(), Clock.systemUTC(), policies,
                        coordinator::policyChanged));
            } catch (KubernetesClientException e) {
                closeAll.run();
                throw new UserError(c.option() + ": cannot list NetworkPolicies at " + client.getMasterUrl() + ": "
                        + KubernetesClients.problem(e));
            } catch (RuntimeException e) {
                closeAll.run();
                throw e;
            }
        }
        Map<String, BooleanSupplier> watching = new LinkedHashMap<>();
        for (int i = 0; i < watches.size(); i++) {
            watching.put(watched.get(i).name(), watches.get(i)::watching);
        }
        telemetry.observePolicyWatches(watching);
        try {
            coordinator.start();
        } catch (InterruptedException e) {
            closeAll.run();
            throw e;
        } catch (Exception e) {
            closeAll.run();
            throw new UserError("cannot start the coordinator on " + cfg.settings().api().bindAddress() + ":"
                    + cfg.settings().api().port() + ": " + e.getMessage());
        }
        if (cfg.leaderElection().isPresent()) {
            try {
                election[0] = LeaderElection.start(clients.own().orElseThrow(), cfg.leaderElection().get(), instance,
                        coordinator::leading);
            } catch (IllegalArgumentException e) {
                closeAll.run();
                throw new UserError(config + ": " + e.getMessage());
            }
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            closeAll.run();
            stopped.countDown();
        }, "reachproof-coordinator-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        out.println("reachproof coordinator listening on " + coordinator.url());
        out.println("  " + TelemetryStartup.describe(telemetry, coordinator.url().toString()));
        if (election[0] != null) {
            LeaderElectionSettings le = cfg.leaderElection().get();
            out.println("  leader election: Lease " + le.namespace().orElse(clients.own().get().getNamespace()) + "/"
                    + le.name() + " as " + election[0].identity() + " (standby until elected; " + coordinator.url()
                    + Coordinator.READY_PATH + " answers 200 on the leader)");
        }
        for (WatchedCluster c : watched) {
            out.println("  watching the NetworkPolicies of cluster " + c.name() + " at " + clients.of(c.name()).getMasterUrl()
                    + " (" + c.describeAccess(kubeconfig) + ")");
        }
        out.println("  gate " + coordinator.url() + GateRoute.PATH + "; rollback signals to "
                + (sinks.isEmpty() ? "no sink (see --webhook, --kubernetes)" : sinks.toString()));
        for (LoadedExpectation e : sets) {
            out.println("  proving " + e.name() + " (" + e.cells().size() + " cells" + (e.policies().isPresent()
                    ? " + cells from " + e.policies().get().describe() : "") + ") every "
                    + GoDuration.format(e.expectation().interval()));
        }
        out.flush();
        stopped.await();
        return Main.EXIT_OK;
    }
}
