package io.reachproof.cli;

import io.reachproof.agent.AgentConfig;
import io.reachproof.agent.AgentConfig.Key;
import io.reachproof.agent.Transport;
import io.reachproof.agent.control.AgentRuntime;
import io.reachproof.agent.control.ClientTls;
import io.reachproof.agent.control.ControlLoop;
import io.reachproof.agent.control.ControlSettings;
import io.reachproof.agent.control.NettyAgentRuntime;
import io.reachproof.agent.control.TargetPreparer;
import io.reachproof.agent.control.WorkloadMode;
import io.reachproof.agent.netns.NamedNetns;
import io.reachproof.agent.netns.NetnsUnavailable;
import io.reachproof.agent.netns.PodNetworkNamespaces;
import io.reachproof.agent.pods.NamedPodNetworkNamespaces;
import io.reachproof.agent.pods.ProcPodNetworkNamespaces;
import io.reachproof.agent.probe.Prober;
import io.reachproof.agent.responder.ResponderSet;
import io.reachproof.agent.responder.SelfCheck;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.Responder;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code reachproof agent}: runs the agent's responders and, with {@code --coordinator URL --token T}, its control
 * loop (register, heartbeat, long-poll the plan, probe, self-check, deliver results, spool while the coordinator
 * is away) until SIGTERM/SIGINT.
 * Every flag may instead come from the environment (Kubernetes Downward API); flags win.
 *
 * <p>Structure, for extension: {@link #config()} reads flags + environment once; {@link #call()} starts the
 * parts in order, registering each in {@link #running} so they stop in reverse order.
 */
@Command(
        name = "agent",
        description = "Runs the agent: TCP, UDP and HTTP responders that answer probes with the agent's identity, "
                + "until SIGTERM or SIGINT. Flags fall back to the environment: REACHPROOF_AGENT_ID, REACHPROOF_CLUSTER, "
                + "REACHPROOF_CLOUD, REACHPROOF_REGION, NODE_NAME, POD_NAMESPACE, POD_NAME, POD_IP, REACHPROOF_BIND, "
                + "REACHPROOF_RESPONDERS.",
        mixinStandardHelpOptions = true)
final class AgentCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--id", description = "Agent id (default: POD_NAMESPACE/POD_NAME).")
    String id;

    @Option(names = "--cluster", description = "Cluster name.")
    String cluster;

    @Option(names = "--cloud", description = "Cloud provider (aws, gcp, azure, ...).")
    String cloud;

    @Option(names = "--region", description = "Cloud region.")
    String region;

    @Option(names = "--node", description = "Node name.")
    String node;

    @Option(names = "--namespace", description = "Namespace of the agent's pod.")
    String namespace;

    @Option(names = "--pod", description = "Name of the agent's pod.")
    String pod;

    @Option(names = "--pod-ip", description = "The pod's IP address.")
    String podIp;

    @Option(names = "--pod-labels", paramLabel = "K=V,...",
            description = "The pod's labels, which expectation groups select agents by (over --pod-labels-file).")
    String podLabels;

    @Option(names = "--pod-labels-file", paramLabel = "FILE",
            description = "A Downward API metadata.labels file (key=\"value\" lines) with the pod's labels.")
    String podLabelsFile;

    @Option(names = "--namespace-labels", paramLabel = "K=V,...",
            description = "The namespace's labels (kubernetes.io/metadata.name is always added).")
    String namespaceLabels;

    @Option(names = "--bind", description = "Address the responders listen on (default " + AgentConfig.DEFAULT_BIND + ").")
    String bind;

    @Option(names = "--responders", description = "PORT/PROTOCOL list (default " + AgentConfig.DEFAULT_RESPONDERS + ").")
    String responders;

    @Option(names = "--coordinator", paramLabel = "URL",
            description = "Coordinator to take plans from and deliver results to (env REACHPROOF_COORDINATOR);"
                    + " without it the agent only answers probes.")
    String coordinator;

    @Option(names = "--token", paramLabel = "T", description = "Bearer token of the agent's cluster (env REACHPROOF_TOKEN).")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE", description = "Read the bearer token from FILE before every"
            + " request: the agent's projected service-account token, for clusters whose agents the coordinator"
            + " authenticates by TokenReview (env REACHPROOF_TOKEN_FILE).")
    Path tokenFile;

    @Option(names = "--tls-ca", paramLabel = "FILE", description = "For an https:// coordinator: the CA (PEM) its"
            + " certificate is checked against (default: the JVM's trusted CAs; env REACHPROOF_TLS_CA).")
    Path tlsCa;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "Mutual TLS: the agent's client certificate (PEM),"
            + " with --tls-key (env REACHPROOF_TLS_CERT).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "Mutual TLS: the key of --tls-cert (PEM, PKCS#8;"
            + " env REACHPROOF_TLS_KEY).")
    Path tlsKey;

    @Option(names = "--workload-mode", description = "Probe as the workloads: a task from a pod leaves from that pod's"
            + " network namespace on this node (needs CAP_SYS_ADMIN, and hostPID to find pods through /proc; env"
            + " REACHPROOF_WORKLOAD_MODE=true).")
    boolean workloadMode;

    @Option(names = "--pod-netns", paramLabel = "proc|named[:TEMPLATE]", description = "Workload mode: where pods'"
            + " network namespaces are found: proc (default: the pod's processes in /proc, by the pod UID in their cgroup)"
            + " or named (/run/netns/TEMPLATE, {namespace}-{name} by default: labs and tests; env REACHPROOF_POD_NETNS).")
    String podNetns;

    @Option(names = "--spool", paramLabel = "DIR",
            description = "Where results wait while the coordinator is unreachable (env REACHPROOF_SPOOL;"
                    + " default: reachproof-spool/<agent id> under the temporary directory).")
    Path spool;

    @Option(names = "--spool-max", paramLabel = "N", defaultValue = "100000",
            description = "Results the spool holds before it drops (and counts) the newest (default ${DEFAULT-VALUE}).")
    int spoolMax;

    /** The environment the flags fall back to; tests replace it. */
    Map<String, String> env = System.getenv();

    /** Counted down to stop the agent (by the shutdown hook, or by tests). */
    final CountDownLatch stop = new CountDownLatch(1);

    /** Workload mode: how this node's destination pods are prepared for rounds; null otherwise. */
    private TargetPreparer targets;

    /** What is running, stopped in reverse order. */
    private final Deque<AutoCloseable> running = new ArrayDeque<>();

    @Override
    public Integer call() throws InterruptedException {
        AgentConfig config = config();
        Optional<ControlSettings> control = control(config);
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "reachproof-agent-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            ResponderSet responderSet;
            try {
                responderSet = ResponderSet.start(config.identity(), config.bindAddress(), Transport.detect());
            } catch (IllegalStateException e) {
                throw new UserError(e.getMessage());
            }
            running.push(responderSet);
            Prober prober = Prober.create(config.identity().agentId(), 1000);
            running.push(prober);
            if (workload()) {
                config = inWorkloadMode(config, prober, out);
            }
            out.println("agent " + config.identity().agentId() + " (cluster " + config.identity().cluster()
                    + ") responders on " + config.bindAddress() + ": " + config.identity().responders()
                    + " (" + prober.transport() + ")");
            SelfCheck check = responderSet.selfCheck(prober).join();
            for (Map.Entry<Responder, ProbeResult> e : check.results().entrySet()) {
                out.println("self-check " + e.getKey() + ": " + e.getValue().outcome() + " (" + e.getValue().detail() + ")");
            }
            out.flush();
            if (!check.allAnswered()) {
                spec.commandLine().getErr().println("reachproof agent: warning: a responder did not answer its self-check;"
                        + " probes at it will be inconclusive");
                spec.commandLine().getErr().flush();
            }
            if (control.isPresent()) {
                AgentRuntime runtime = NettyAgentRuntime.of(responderSet, prober);
                ControlLoop loop;
                try {
                    loop = new ControlLoop(config.identity(), control.get(), Json.mapper(), runtime.runner(),
                            runtime.selfChecker(), ControlLoop.newScheduler(config.identity().agentId()), Clock.systemUTC());
                } catch (java.io.UncheckedIOException e) {
                    throw new UserError(e.getMessage() + ": " + e.getCause().getMessage());
                }
                if (targets != null) {
                    loop.prepareTargetsWith(targets);
                }
                loop.start();
                running.push(loop);
                out.println("agent " + config.identity().agentId() + " reporting to " + control.get().coordinator()
                        + " (spool " + control.get().spoolDir() + ")");
                out.flush();
            }
            stop.await();
            out.println("agent " + config.identity().agentId() + " stopping");
            out.flush();
            return Main.EXIT_OK;
        } finally {
            while (!running.isEmpty()) {
                try {
                    running.pop().close();
                } catch (Exception e) {
                    spec.commandLine().getErr().println("reachproof agent: while stopping: " + e);
                }
            }
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is what stopped us
            }
        }
    }

    /** The control loop's settings when a coordinator is named (flag or environment); a usage error when incomplete. */
    Optional<ControlSettings> control(AgentConfig config) {
        String url = coordinator != null ? coordinator : env.get("REACHPROOF_COORDINATOR");
        if (url == null || url.isBlank()) {
            if (token != null || tokenFile != null) {
                throw new ParameterException(spec.commandLine(), (token != null ? "--token" : "--token-file")
                        + " needs --coordinator");
            }
            return Optional.empty();
        }
        String fileEnv = env.get("REACHPROOF_TOKEN_FILE");
        Optional<Path> file = tokenFile != null ? Optional.of(tokenFile)
                : token == null && fileEnv != null && !fileEnv.isBlank() ? Optional.of(Path.of(fileEnv)) : Optional.empty();
        String t = token != null ? token : file.isPresent() ? readTokenFile(file.get()) : env.get("REACHPROOF_TOKEN");
        if (t == null || t.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--coordinator needs --token (or REACHPROOF_TOKEN): the bearer"
                    + " token of cluster " + config.identity().cluster());
        }
        String spoolEnv = env.get("REACHPROOF_SPOOL");
        Path dir = spool != null ? spool : spoolEnv != null ? Path.of(spoolEnv)
                : Path.of(System.getProperty("java.io.tmpdir"), "reachproof-spool", config.identity().agentId().replace('/', '_'));
        try {
            ClientTls tls = new ClientTls(pathOf(tlsCa, "REACHPROOF_TLS_CA"), pathOf(tlsCert, "REACHPROOF_TLS_CERT"),
                    pathOf(tlsKey, "REACHPROOF_TLS_KEY"));
            if (!tls.equals(ClientTls.DEFAULT)) {
                tls.sslContext(); // a file that makes no TLS client is a usage error now, not a retry loop later
            }
            return Optional.of(new ControlSettings(URI.create(url), t, dir, spoolMax, Duration.ofSeconds(1),
                    Duration.ofSeconds(10), file, tls));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--coordinator: " + e.getMessage());
        }
    }

    private boolean workload() {
        return workloadMode || "true".equalsIgnoreCase(env.getOrDefault("REACHPROOF_WORKLOAD_MODE", ""));
    }

    /**
     * Workload mode: checks this process may enter network namespaces (it enters its own), places probes from pods
     * in the pods' namespaces and advertises the capability; a usage error names what is missing.
     */
    private AgentConfig inWorkloadMode(AgentConfig config, Prober prober, PrintWriter out) {
        String source = podNetns != null ? podNetns : env.getOrDefault("REACHPROOF_POD_NETNS", "proc");
        PodNetworkNamespaces pods;
        if (source.equals("proc")) {
            pods = new ProcPodNetworkNamespaces(Path.of("/proc"));
        } else if (source.equals("named") || source.startsWith("named:")) {
            pods = new NamedPodNetworkNamespaces(NamedNetns.RUN_NETNS, source.equals("named")
                    ? NamedPodNetworkNamespaces.DEFAULT_TEMPLATE : source.substring("named:".length()));
        } else {
            throw new ParameterException(spec.commandLine(), "--pod-netns must be proc, named or named:TEMPLATE, not "
                    + source);
        }
        WorkloadMode mode;
        try {
            mode = WorkloadMode.start(config.identity(), prober, pods);
        } catch (NetnsUnavailable e) {
            throw new UserError("workload mode: " + e.getMessage());
        }
        running.push(mode);
        targets = mode.targets();
        AgentIdentity id = mode.identity();
        out.println("agent " + id.agentId() + ": workload mode: probes from pods leave from their network namespaces ("
                + (source.equals("proc") ? "found through /proc" : "named under " + NamedNetns.RUN_NETNS) + ")");
        return new AgentConfig(id, config.bindAddress());
    }

    private Optional<Path> pathOf(Path flag, String variable) {
        String fromEnv = env.get(variable);
        return flag != null ? Optional.of(flag) : fromEnv != null && !fromEnv.isBlank() ? Optional.of(Path.of(fromEnv))
                : Optional.empty();
    }

    private String readTokenFile(Path file) {
        try {
            String read = Files.readString(file).strip();
            if (read.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--token-file " + file + " is empty");
            }
            return read;
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--token-file " + file + " cannot be read: " + e);
        }
    }

    /** Flags laid over the environment, read once into a typed configuration; a bad value is a usage error. */
    AgentConfig config() {
        Map<String, String> merged = new HashMap<>(env);
        put(merged, Key.AGENT_ID, id);
        put(merged, Key.CLUSTER, cluster);
        put(merged, Key.CLOUD, cloud);
        put(merged, Key.REGION, region);
        put(merged, Key.NODE, node);
        put(merged, Key.NAMESPACE, namespace);
        put(merged, Key.POD, pod);
        put(merged, Key.POD_IP, podIp);
        put(merged, Key.BIND, bind);
        put(merged, Key.RESPONDERS, responders);
        put(merged, Key.POD_LABELS, podLabels);
        put(merged, Key.POD_LABELS_FILE, podLabelsFile);
        put(merged, Key.NAMESPACE_LABELS, namespaceLabels);
        try {
            return AgentConfig.fromEnv(merged);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static void put(Map<String, String> env, Key key, String flagValue) {
        if (flagValue != null) {
            env.put(key.env(), flagValue);
        }
    }
}
