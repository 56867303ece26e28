package io.reachproof.coordinator.assembly;

import static java.util.Objects.requireNonNull;

import io.reachproof.coordinator.api.ApiServerSettings;
import io.reachproof.coordinator.api.ServerTls;
import io.reachproof.coordinator.kube.LeaderElectionSettings;
import io.reachproof.coordinator.plan.PlannerSettings;
import io.reachproof.coordinator.registry.RegistrySettings;
import io.reachproof.coordinator.restore.RollbackMode;
import io.reachproof.coordinator.round.RoundSettings;
import io.reachproof.coordinator.store.StoreSettings;
import io.reachproof.expectations.GoDuration;
import io.reachproof.policy.Cidr;
import io.reachproof.policy.EgressAddresses;
import io.reachproof.yaml.NearestName;
import io.reachproof.yaml.NodeReader;
import io.reachproof.yaml.Problem;
import io.reachproof.yaml.SourceRef;
import io.reachproof.yaml.YamlLimits;
import io.reachproof.yaml.YamlLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * The coordinator's configuration file (YAML, or JSON, which YAML reads too), read once at start:
 *
 * <pre>
 * bind: 0.0.0.0               # default 0.0.0.0
 * port: 7070                  # default 7070
 * tls:                        # optional: HTTPS; with clientCaFile, agents (and every client) need a
 *   certFile: tls/tls.crt     #   certificate signed by that CA (mutual TLS); files relative to this file
 *   keyFile: tls/tls.key
 *   clientCaFile: tls/ca.crt
 * tokens: {aws-prod: s3cret}  # bearer token per cluster (required, unless every cluster is under tokenReview)
 * tokenReview:                # optional: these clusters' agents present projected service-account tokens,
 *   clusters: [gcp-prod]      #   reviewed by the cluster's API server (watched with --kubernetes)
 *   audience: reachproof      #   the audience the tokens are bound to (default reachproof)
 * workloadMode:               # optional: in these clusters (watched with --kubernetes) groups select the real
 *   clusters: [gcp-prod]      #   pods, probed from and at by the agents in workload mode on their nodes
 * prepareWindow: 8s           # workload mode: how long a round waits for its destination pods to be prepared
 * adminToken: ops-s3cret      # optional: required by the operator endpoints when set
 * traceUi: https://jaeger.example/trace/   # optional: the page links a round's trace as this + its trace id
 * expectations: [shop.yaml]   # expectation files, relative to this file (required)
 * policies: [policies/]       # NetworkPolicy files or directories for spec.fromPolicies (read once at start;
 *                            # a cluster watched with --kubernetes takes its policies live instead)
 * egressAddresses:            # optional, per cluster: the source address of its pods' traffic as other clusters
 *   aws-prod: podIP           #   see it (their ingress ipBlocks judge it): podIP (default, a flat network) or
 *   gcp-prod: [203.0.113.7/32]  # the CIDRs its egress to other clusters is translated to (SNAT / masquerade)
 * heartbeatInterval: 5s       # agents heartbeat this often
 * missedHeartbeats: 3         # an agent is lost after this many missed heartbeats
 * goneAfter: 10m              # and gone (no longer planned) after this long
 * probeAttempts: 2            # tries per probe
 * probeTimeout: 1s            # deadline of one try
 * failedAttemptsForDeny: 2    # failed tries a deny (and a BLOCKED) needs
 * pairsPerClusterPair: 1      # agent pairs per cell and cluster pair per round
 * probeBudgetPerAgent: 500    # probes one agent sends per round at most
 * roundSlack: 2s              # added to a round's deadline
 * retainReports: 20           # finished reports kept per set
 * pollTimeout: 25s            # a plan poll waits this long
 * maxBodyBytes: 4194304       # larger requests are answered 413
 * maxInFlightBodyBytes: 67108864  # all bodies being received together; past it 503 + Retry-After
 * requestDeadline: 30s        # a request not fully received by then is answered 408 and closed
 * maxBatchResults: 5000       # entries per result delivery
 * jitter: 5s                  # at most this random delay before a set's first round
 * syncGroups:                 # optional: watched clusters that must carry the same NetworkPolicies, compared
 * - name: shop                #   continuously (GET /v1/drift, reachproof_policy_drift, drift signals)
 *   clusters: [aws-prod, gcp-prod]  # at least two, or one and a source
 *   namespaces: [shop, payments]    # default: every namespace
 *   source: policies/         #   optional: the source of truth (files or a directory, relative to this file)
 *   rollback:                 #   optional: restore the last proven policies when a change breaks reachability
 *     mode: apply             #   off (default) | dry-run | apply; needs namespaces (only those are written)
 *     clusters: [aws-prod]    #   default: every cluster of the group
 * dataDir: data               # where the embedded store (an H2 file) lives, relative to this file (default data)
 * store:                      # optional: the proof record in PostgreSQL instead (production; replicas share it)
 *   url: jdbc:postgresql://db.example:5432/reachproof   # or jdbc:h2:... (default: the H2 file in dataDir)
 *   user: reachproof
 *   passwordFile: secrets/db-password   # relative to this file; its first line is the password
 *   retention: 90d            # rounds, episodes and versions older than this are pruned (default 90d)
 * leaderElection:             # optional: one leader among replicas (a coordination.k8s.io Lease)
 *   enabled: true             # default true when the block is present
 *   namespace: reachproof     # default: the Kubernetes client's namespace (in a pod: its own)
 *   name: reachproof-coordinator  # the Lease's name (default)
 *   identity: coordinator-0   # default: POD_NAME, else the host name
 *   leaseDuration: 15s        # a standby takes over this long after the leader's last renewal
 *   renewDeadline: 10s        # the leader gives up leading when it cannot renew within this
 *   retryPeriod: 2s           # candidates try, and the leader renews, this often
 * </pre>
 *
 * Every mistake of the file is reported in one {@link IllegalArgumentException}, one line each as
 * {@code FILE:LINE:COLUMN: key: what is wrong}; an unknown key names the nearest valid one. The file is read
 * within {@link YamlLimits} (size, nesting, aliases).
 */
public record CoordinatorConfig(CoordinatorSettings settings, List<Path> expectationFiles, List<Path> policyPaths,
        Optional<LeaderElectionSettings> leaderElection, List<SyncGroupConfig> syncGroups, StoreSettings store,
        Map<String, EgressAddresses> egressAddresses) {

    /**
     * One entry of {@code syncGroups}; {@code source} is resolved against the configuration's folder and exists;
     * {@code rollback} the mode of each of its clusters that has one (off when absent).
     */
    public record SyncGroupConfig(String name, List<String> clusters, List<String> namespaces, Optional<Path> source,
            Map<String, RollbackMode> rollback) {
        public SyncGroupConfig {
            requireNonNull(name, "name");
            clusters = List.copyOf(clusters);
            namespaces = List.copyOf(namespaces);
            requireNonNull(source, "source");
            rollback = Map.copyOf(rollback);
        }

        /** Without rollback. */
        public SyncGroupConfig(String name, List<String> clusters, List<String> namespaces, Optional<Path> source) {
            this(name, clusters, namespaces, source, Map.of());
        }
    }

    private static final List<String> KEYS = List.of("bind", "port", "tls", "tokens", "tokenReview", "workloadMode",
            "prepareWindow", "adminToken", "traceUi", "expectations", "policies",
            "heartbeatInterval", "missedHeartbeats", "goneAfter", "probeAttempts", "probeTimeout",
            "failedAttemptsForDeny", "pairsPerClusterPair", "probeBudgetPerAgent", "roundSlack", "retainReports",
            "pollTimeout", "maxBodyBytes", "maxInFlightBodyBytes", "requestDeadline", "maxBatchResults", "jitter", "leaderElection",
            "syncGroups", "dataDir", "store", "egressAddresses");
    private static final List<String> STORE_KEYS = List.of("url", "user", "passwordFile", "retention");
    private static final Pattern DAYS = Pattern.compile("([1-9]\\d{0,4})d");
    private static final List<String> SYNC_GROUP_KEYS = List.of("name", "clusters", "namespaces", "source", "rollback");
    private static final List<String> ROLLBACK_KEYS = List.of("mode", "clusters");
    private static final List<String> TOKEN_REVIEW_KEYS = List.of("clusters", "audience");
    private static final List<String> WORKLOAD_KEYS = List.of("clusters");
    private static final List<String> TLS_KEYS = List.of("certFile", "keyFile", "clientCaFile");
    private static final List<String> ELECTION_KEYS = List.of("enabled", "namespace", "name", "identity", "leaseDuration",
            "renewDeadline", "retryPeriod");
    private static final Pattern KUBERNETES_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    public CoordinatorConfig {
        requireNonNull(settings, "settings");
        expectationFiles = List.copyOf(requireNonNull(expectationFiles, "expectationFiles"));
        policyPaths = List.copyOf(requireNonNull(policyPaths, "policyPaths"));
        requireNonNull(leaderElection, "leaderElection");
        syncGroups = List.copyOf(requireNonNull(syncGroups, "syncGroups"));
        requireNonNull(store, "store");
        egressAddresses = Map.copyOf(requireNonNull(egressAddresses, "egressAddresses"));
    }

    /** Every cluster's pods leave with their own IP ({@link EgressAddresses#POD_IP}). */
    public CoordinatorConfig(CoordinatorSettings settings, List<Path> expectationFiles, List<Path> policyPaths,
            Optional<LeaderElectionSettings> leaderElection, List<SyncGroupConfig> syncGroups, StoreSettings store) {
        this(settings, expectationFiles, policyPaths, leaderElection, syncGroups, store, Map.of());
    }

    /** The proof record in the H2 file of {@code data} next to the working directory. */
    public CoordinatorConfig(CoordinatorSettings settings, List<Path> expectationFiles, List<Path> policyPaths,
            Optional<LeaderElectionSettings> leaderElection, List<SyncGroupConfig> syncGroups) {
        this(settings, expectationFiles, policyPaths, leaderElection, syncGroups, StoreSettings.h2In(Path.of("data")));
    }

    /** No sync groups. */
    public CoordinatorConfig(CoordinatorSettings settings, List<Path> expectationFiles, List<Path> policyPaths,
            Optional<LeaderElectionSettings> leaderElection) {
        this(settings, expectationFiles, policyPaths, leaderElection, List.of());
    }

    /** Always the leader (no election). */
    public CoordinatorConfig(CoordinatorSettings settings, List<Path> expectationFiles, List<Path> policyPaths) {
        this(settings, expectationFiles, policyPaths, Optional.empty());
    }

    /** Reads {@code file} within {@link YamlLimits#DEFAULTS}. */
    public static CoordinatorConfig read(Path file) {
        return read(file, YamlLimits.DEFAULTS);
    }

    /** Reads {@code file}; file names in it are relative to its folder. */
    public static CoordinatorConfig read(Path file, YamlLimits limits) {
        YamlLoader.Loaded loaded = new YamlLoader(limits).load(file);
        List<Problem> problems = new ArrayList<>(loaded.problems());
        loaded.syntaxError().ifPresent(e -> problems.add(new Problem(e.at(), "not valid YAML or JSON: "
                + e.context().map(c -> c + ": ").orElse("") + e.problem())));
        Optional<CoordinatorConfig> config = Optional.empty();
        if (problems.isEmpty()) {
            List<Node> documents = loaded.documents();
            if (documents.size() != 1 || !(documents.get(0) instanceof MappingNode root)) {
                SourceRef at = documents.isEmpty() ? new SourceRef(file.toString(), 1, 1) : NodeReader.at(file.toString(),
                        documents.get(documents.size() == 1 ? 0 : 1));
                problems.add(new Problem(at, documents.size() > 1 ? "the configuration must be one YAML document"
                        : "the configuration must be a mapping of keys to values"));
            } else {
                config = new Reader(new NodeReader(file.toString(), problems), file.toAbsolutePath().getParent()).read(root);
            }
        }
        if (!problems.isEmpty() || config.isEmpty()) {
            problems.sort(Comparator.comparingInt((Problem p) -> p.where().line()).thenComparingInt(p -> p.where().column()));
            throw new IllegalArgumentException(String.join("\n", problems.stream().map(Problem::toString).toList()));
        }
        return config.get();
    }

    /** Reads the keys of one configuration, every problem into its {@link NodeReader}. */
    private static final class Reader {
        private final NodeReader nodes;
        private final Path dir;

        Reader(NodeReader nodes, Path dir) {
            this.nodes = nodes;
            this.dir = dir;
        }

        Optional<CoordinatorConfig> read(MappingNode root) {
            Keys k = new Keys(root, "", KEYS);
            Optional<Integer> port = k.integer("port", 7070, 0, 65535);
            Optional<Integer> maxBody = k.integer("maxBodyBytes", ApiServerSettings.DEFAULT_MAX_BODY_BYTES, 1024, Integer.MAX_VALUE);
            Optional<Integer> inFlight = k.integer("maxInFlightBodyBytes",
                    (int) ApiServerSettings.DEFAULT_MAX_IN_FLIGHT_BODY_BYTES, 1024, Integer.MAX_VALUE);
            if (maxBody.isPresent() && inFlight.isPresent() && inFlight.get() < maxBody.get()) {
                k.error(k.atFirst("maxInFlightBodyBytes"), "maxInFlightBodyBytes",
                        "must be at least maxBodyBytes (" + maxBody.get() + ")");
            }
            Optional<Duration> deadline = k.duration("requestDeadline", ApiServerSettings.DEFAULT_REQUEST_DEADLINE);
            Optional<String> bind = k.string("bind", "0.0.0.0");
            Optional<Optional<ServerTls>> tls = tls(k);
            Optional<AgentAuthSettings> agentAuth = tokenReview(k);
            Optional<Map<String, String>> tokens = k.tokens(agentAuth.map(a -> a.tokenReviewClusters().isEmpty()).orElse(true));
            if (tokens.isPresent() && agentAuth.isPresent()) {
                for (String cluster : agentAuth.get().tokenReviewClusters()) {
                    if (tokens.get().containsKey(cluster)) {
                        k.error(k.atFirst("tokenReview"), "tokenReview.clusters", "cluster " + cluster
                                + " also has a token (tokens." + cluster + "); a cluster's agents authenticate one way");
                    }
                }
            }
            Optional<String> admin = k.present("adminToken") ? k.string("adminToken", "").filter(t -> {
                if (t.isBlank()) {
                    k.error("adminToken", "must not be blank");
                }
                return !t.isBlank();
            }) : Optional.empty();
            Optional<Optional<String>> traceUi = !k.present("traceUi") ? Optional.of(Optional.empty())
                    : k.string("traceUi", "").filter(u -> {
                        boolean web = u.startsWith("http://") || u.startsWith("https://");
                        if (!web) {
                            k.error("traceUi", "must be an http:// or https:// URL, not " + u);
                        }
                        return web;
                    }).map(Optional::of);
            Optional<List<Path>> files = k.files("expectations", "files", true);
            Optional<List<Path>> policies = k.files("policies", "files or directories", false);
            Optional<Duration> heartbeat = k.duration("heartbeatInterval", Duration.ofSeconds(5));
            Optional<Integer> missed = k.integer("missedHeartbeats", 3, 1, 1000);
            Optional<Duration> gone = k.duration("goneAfter", Duration.ofMinutes(10));
            if (heartbeat.isPresent() && missed.isPresent() && gone.isPresent()
                    && gone.get().compareTo(heartbeat.get().multipliedBy(missed.get())) <= 0) {
                k.error(k.atFirst("goneAfter", "heartbeatInterval", "missedHeartbeats"), "goneAfter",
                        "must be longer than heartbeatInterval x missedHeartbeats");
            }
            Optional<Integer> attempts = k.integer("probeAttempts", 2, 1, 100);
            Optional<Integer> failed = k.integer("failedAttemptsForDeny", attempts.orElse(2), 1, 100);
            if (attempts.isPresent() && failed.isPresent() && failed.get() > attempts.get()) {
                k.error(k.atFirst("failedAttemptsForDeny"), "failedAttemptsForDeny", "must not exceed probeAttempts (" + attempts.get() + ")");
            }
            Optional<Integer> pairs = k.integer("pairsPerClusterPair", 1, 1, 10_000);
            Optional<Integer> budget = k.integer("probeBudgetPerAgent", 500, 1, 1_000_000);
            Optional<Duration> probeTimeout = k.duration("probeTimeout", Duration.ofSeconds(1));
            Optional<Duration> slack = k.duration("roundSlack", Duration.ofSeconds(2));
            Optional<Set<String>> workload = workloadMode(k);
            Optional<Duration> prepare = k.duration("prepareWindow", RoundSettings.DEFAULT_PREPARE_WINDOW);
            Optional<Integer> retain = k.integer("retainReports", 20, 1, 10_000);
            Optional<Duration> poll = k.duration("pollTimeout", Duration.ofSeconds(25)).filter(p -> {
                if (p.compareTo(Duration.ofSeconds(60)) > 0) {
                    k.error("pollTimeout", "must be at most 60s");
                }
                return p.compareTo(Duration.ofSeconds(60)) <= 0;
            });
            Optional<Integer> maxBatch = k.integer("maxBatchResults", 5000, 1, 1_000_000);
            Optional<Duration> jitter = k.duration("jitter", Duration.ofSeconds(5));
            Optional<LeaderElectionSettings> election = leaderElection(k);
            Optional<List<SyncGroupConfig>> syncGroups = syncGroups(k);
            Optional<StoreSettings> store = store(k);
            Optional<Map<String, EgressAddresses>> egress = egressAddresses(k);
            k.rejectUnknown();
            if (!nodes.problems().isEmpty()) {
                return Optional.empty();
            }
            ApiServerSettings api = new ApiServerSettings(bind.get(), port.get(), maxBody.get(),
                    ApiServerSettings.DEFAULT_IDLE_TIMEOUT, inFlight.get(), deadline.get(), tls.get());
            PlannerSettings planner = new PlannerSettings(pairs.get(), budget.get(), attempts.get(), probeTimeout.get().toMillis());
            RoundSettings rounds = new RoundSettings(slack.get(), 32, retain.get(), prepare.get());
            CoordinatorSettings settings = new CoordinatorSettings(api, tokens.get(), admin,
                    new RegistrySettings(heartbeat.get(), missed.get(), gone.get()), planner, rounds, failed.get(), poll.get(),
                    maxBatch.get(), true, jitter.get(), agentAuth.get(), workload.get(), traceUi.get());
            return Optional.of(new CoordinatorConfig(settings, files.get(), policies.orElse(List.of()), election,
                    syncGroups.get(), store.get(), egress.get()));
        }

        /**
         * {@code egressAddresses: {CLUSTER: podIP | [CIDR, ...]}}: how each cluster's pod traffic arrives in other
         * clusters; a cluster not named: podIP.
         */
        private Optional<Map<String, EgressAddresses>> egressAddresses(Keys outer) {
            Optional<Node> block = outer.value("egressAddresses");
            if (block.isEmpty()) {
                return Optional.of(Map.of());
            }
            if (!(block.get() instanceof MappingNode m) || m.getValue().isEmpty()) {
                outer.error("egressAddresses", "must map each cluster name to podIP or a list of CIDRs (its SNAT"
                        + " addresses), not " + text(block.get()));
                return Optional.empty();
            }
            Map<String, EgressAddresses> out = new LinkedHashMap<>();
            boolean ok = true;
            for (Map.Entry<String, NodeTuple> e : new Keys(m, "egressAddresses.", List.of()).entries.entrySet()) {
                String key = "egressAddresses." + e.getKey();
                Node value = e.getValue().getValueNode();
                if (value instanceof ScalarNode v && v.getValue().equals("podIP")) {
                    out.put(e.getKey(), EgressAddresses.POD_IP);
                    continue;
                }
                if (!(value instanceof SequenceNode list) || list.getValue().isEmpty()) {
                    outer.error(nodes.at(value), key, "must be podIP or a non-empty list of CIDRs (10.0.0.1/32), not "
                            + (value instanceof SequenceNode ? "an empty list" : text(value)));
                    ok = false;
                    continue;
                }
                List<Cidr> cidrs = new ArrayList<>();
                for (Node item : list.getValue()) {
                    Optional<Cidr> cidr = item instanceof ScalarNode c && c.getTag().equals(Tag.STR)
                            ? Cidr.parse(c.getValue()) : Optional.empty();
                    if (cidr.isEmpty()) {
                        outer.error(nodes.at(item), key, "must list CIDRs (10.0.0.1/32), not " + text(item));
                        ok = false;
                    } else {
                        cidrs.add(cidr.get());
                    }
                }
                out.put(e.getKey(), new EgressAddresses(cidrs));
            }
            return ok ? Optional.of(out) : Optional.empty();
        }

        /**
         * {@code store: {url, user, passwordFile, retention}}; without it, the H2 file in {@code dataDir} (default
         * {@code data}, relative to the configuration).
         */
        private Optional<StoreSettings> store(Keys outer) {
            Optional<String> dataDir = outer.string("dataDir", "data").filter(d -> {
                if (d.isBlank()) {
                    outer.error("dataDir", "must name a directory");
                }
                return !d.isBlank();
            });
            Optional<Node> block = outer.value("store");
            if (block.isEmpty()) {
                return dataDir.map(d -> StoreSettings.h2In(dir.resolve(d)));
            }
            if (!(block.get() instanceof MappingNode m)) {
                outer.error("store", "must be a mapping (url, user, passwordFile, retention), not " + text(block.get()));
                return Optional.empty();
            }
            Keys k = new Keys(m, "store.", STORE_KEYS);
            k.rejectUnknown();
            Optional<String> url = k.string("url", "").filter(u -> {
                boolean known = u.startsWith("jdbc:postgresql://") || u.startsWith("jdbc:h2:");
                if (u.isBlank()) {
                    k.error("url", "is required (jdbc:postgresql://HOST:PORT/DATABASE or jdbc:h2:...)");
                } else if (!known) {
                    k.error("url", "must be jdbc:postgresql://HOST:PORT/DATABASE or jdbc:h2:..., not " + u);
                }
                return known;
            });
            Optional<Optional<String>> user = k.present("user") ? k.string("user", "").map(Optional::of)
                    : Optional.of(Optional.empty());
            Optional<Optional<String>> password = Optional.of(Optional.empty());
            if (k.present("passwordFile")) {
                password = k.existingFile("passwordFile", true).flatMap(f -> {
                    try {
                        String first = Files.readAllLines(f).stream().findFirst().orElse("").strip();
                        if (first.isEmpty()) {
                            k.error("passwordFile", "is empty: " + f);
                            return Optional.empty();
                        }
                        return Optional.of(Optional.of(first));
                    } catch (java.io.IOException | java.io.UncheckedIOException e) {
                        k.error("passwordFile", "cannot read " + f + ": " + e.getMessage());
                        return Optional.empty();
                    }
                });
            }
            Optional<Duration> retention = Optional.of(StoreSettings.DEFAULT_RETENTION);
            Optional<Node> r = k.value("retention");
            if (r.isPresent()) {
                String t = r.get() instanceof ScalarNode sc ? sc.getValue() : "";
                java.util.regex.Matcher days = DAYS.matcher(t);
                Optional<Duration> d = days.matches() ? Optional.of(Duration.ofDays(Long.parseLong(days.group(1))))
                        : GoDuration.parse(t).filter(x -> !x.isZero());
                if (d.isEmpty()) {
                    k.error("retention", "must be a positive duration such as 90d or 720h, not " + text(r.get()));
                }
                retention = d;
            }
            if (url.isEmpty() || user.isEmpty() || password.isEmpty() || retention.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new StoreSettings(url.get(), user.get(), password.get(), retention.get()));
        }

        /** {@code tls: {certFile, keyFile, clientCaFile}}: files relative to the configuration, which must exist. */
        private Optional<Optional<ServerTls>> tls(Keys outer) {
            Optional<Node> block = outer.value("tls");
            if (block.isEmpty()) {
                return Optional.of(Optional.empty());
            }
            if (!(block.get() instanceof MappingNode m)) {
                outer.error("tls", "must be a mapping (certFile, keyFile, clientCaFile), not " + text(block.get()));
                return Optional.empty();
            }
            Keys k = new Keys(m, "tls.", TLS_KEYS);
            k.rejectUnknown();
            Optional<Path> cert = k.existingFile("certFile", true);
            Optional<Path> key = k.existingFile("keyFile", true);
            Optional<Path> ca = k.present("clientCaFile") ? k.existingFile("clientCaFile", true) : Optional.empty();
            if (cert.isEmpty() || key.isEmpty() || (k.present("clientCaFile") && ca.isEmpty())) {
                return Optional.empty();
            }
            return Optional.of(Optional.of(new ServerTls(cert.get(), key.get(), ca)));
        }

        private Optional<AgentAuthSettings> tokenReview(Keys outer) {
            Optional<Node> block = outer.value("tokenReview");
            if (block.isEmpty()) {
                return Optional.of(AgentAuthSettings.CLUSTER_TOKENS);
            }
            if (!(block.get() instanceof MappingNode m)) {
                outer.error("tokenReview", "must be a mapping (clusters, audience), not " + text(block.get()));
                return Optional.empty();
            }
            Keys k = new Keys(m, "tokenReview.", TOKEN_REVIEW_KEYS);
            k.rejectUnknown();
            Optional<String> audience = k.string("audience", AgentAuthSettings.DEFAULT_AUDIENCE).filter(a -> {
                if (a.isBlank()) {
                    k.error("audience", "must not be blank");
                }
                return !a.isBlank();
            });
            Optional<Set<String>> names = clusterNames(k, "whose agents present service-account tokens");
            return names.isEmpty() ? Optional.empty() : audience.map(a -> new AgentAuthSettings(names.get(), a));
        }

        /** {@code workloadMode: {clusters: [...]}}: no clusters when absent. */
        private Optional<Set<String>> workloadMode(Keys outer) {
            Optional<Node> block = outer.value("workloadMode");
            if (block.isEmpty()) {
                return Optional.of(Set.of());
            }
            if (!(block.get() instanceof MappingNode m)) {
                outer.error("workloadMode", "must be a mapping (clusters), not " + text(block.get()));
                return Optional.empty();
            }
            Keys k = new Keys(m, "workloadMode.", WORKLOAD_KEYS);
            k.rejectUnknown();
            return clusterNames(k, "whose groups select real pods, probed by their node agents in workload mode");
        }

        /** {@code clusters}: a non-empty list of cluster names. */
        private Optional<Set<String>> clusterNames(Keys k, String whose) {
            Optional<Node> clusters = k.value("clusters");
            if (clusters.isEmpty() || !(clusters.get() instanceof SequenceNode list) || list.getValue().isEmpty()) {
                k.error("clusters", "must be a non-empty list of the clusters (watched with --kubernetes) " + whose);
                return Optional.empty();
            }
            Set<String> names = new LinkedHashSet<>();
            for (Node item : list.getValue()) {
                if (!(item instanceof ScalarNode sc) || !sc.getTag().equals(Tag.STR) || sc.getValue().isBlank()) {
                    k.error(nodes.at(item), "clusters", "must list cluster names, not " + text(item));
                    return Optional.empty();
                }
                names.add(sc.getValue());
            }
            return Optional.of(names);
        }

        /** {@code syncGroups}: a list of {@code {name, clusters, namespaces, source}}; names unique. */
        private Optional<List<SyncGroupConfig>> syncGroups(Keys outer) {
            Optional<Node> block = outer.value("syncGroups");
            if (block.isEmpty()) {
                return Optional.of(List.of());
            }
            if (!(block.get() instanceof SequenceNode list) || list.getValue().isEmpty()) {
                outer.error("syncGroups", "must be a non-empty list of groups ({name, clusters, namespaces, source}), not "
                        + text(block.get()));
                return Optional.empty();
            }
            List<SyncGroupConfig> groups = new ArrayList<>();
            Set<String> names = new LinkedHashSet<>();
            boolean ok = true;
            for (int i = 0; i < list.getValue().size(); i++) {
                Node item = list.getValue().get(i);
                String prefix = "syncGroups[" + i + "].";
                if (!(item instanceof MappingNode m)) {
                    outer.error(nodes.at(item), "syncGroups[" + i + "]", "must be a mapping (name, clusters, namespaces,"
                            + " source), not " + text(item));
                    ok = false;
                    continue;
                }
                Keys k = new Keys(m, prefix, SYNC_GROUP_KEYS);
                k.rejectUnknown();
                Optional<String> name = k.string("name", "");
                if (name.isPresent() && name.get().isBlank()) {
                    k.error("name", "is required (the group's name in reports, metrics and signals)");
                    name = Optional.empty();
                } else if (name.isPresent() && !names.add(name.get())) {
                    k.error("name", "group " + name.get() + " is named twice");
                    name = Optional.empty();
                }
                Optional<Set<String>> clusters = clusterNames(k, "that must carry the same NetworkPolicies");
                Optional<List<String>> namespaces = namespaceNames(k);
                Optional<Optional<Path>> source = !k.present("source") ? Optional.of(Optional.empty())
                        : k.string("source", "").flatMap(v -> {
                            Path p = dir.resolve(v);
                            if (v.isBlank() || !Files.exists(p)) {
                                k.error("source", "no such file or directory: " + p);
                                return Optional.empty();
                            }
                            return Optional.of(Optional.of(p));
                        });
                if (clusters.isPresent() && source.isPresent() && clusters.get().size() < 2 && source.get().isEmpty()) {
                    k.error("clusters", "a group compares at least two clusters, or one with a source");
                    clusters = Optional.empty();
                }
                Optional<Map<String, RollbackMode>> rollback = clusters.isEmpty() || namespaces.isEmpty() ? Optional.empty()
                        : rollback(k, prefix, clusters.get(), namespaces.get());
                if (name.isEmpty() || clusters.isEmpty() || namespaces.isEmpty() || source.isEmpty() || rollback.isEmpty()) {
                    ok = false;
                    continue;
                }
                groups.add(new SyncGroupConfig(name.get(), List.copyOf(clusters.get()), namespaces.get(), source.get(),
                        rollback.get()));
            }
            return ok ? Optional.of(groups) : Optional.empty();
        }

        /**
         * {@code rollback: {mode, clusters}} of a sync group: the mode of each cluster it names (default: all of the
         * group's); a mode other than off needs the group's {@code namespaces}, the only ones it writes in.
         */
        private Optional<Map<String, RollbackMode>> rollback(Keys group, String prefix, Set<String> groupClusters,
                List<String> namespaces) {
            Optional<Node> block = group.value("rollback");
            if (block.isEmpty()) {
                return Optional.of(Map.of());
            }
            if (!(block.get() instanceof MappingNode m)) {
                group.error("rollback", "must be a mapping (mode, clusters), not " + text(block.get()));
                return Optional.empty();
            }
            Keys k = new Keys(m, prefix + "rollback.", ROLLBACK_KEYS);
            k.rejectUnknown();
            Optional<RollbackMode> mode = k.string("mode", RollbackMode.OFF.spelling()).flatMap(v -> {
                Optional<RollbackMode> parsed = RollbackMode.parse(v);
                if (parsed.isEmpty()) {
                    k.error("mode", "must be off, dry-run or apply, not '" + v + "'");
                }
                return parsed;
            });
            Optional<Set<String>> clusters = k.present("clusters") ? clusterNames(k, "whose policies rollback restores")
                    : Optional.of(groupClusters);
            if (clusters.isPresent()) {
                for (String c : clusters.get()) {
                    if (!groupClusters.contains(c)) {
                        k.error("clusters", "names cluster " + c + ", which is not in the group (" + String.join(", ",
                                groupClusters) + ")");
                        clusters = Optional.empty();
                        break;
                    }
                }
            }
            if (mode.isPresent() && mode.get() != RollbackMode.OFF && namespaces.isEmpty()) {
                k.error("mode", "rollback writes NetworkPolicies only in the group's namespaces: list them in "
                        + prefix + "namespaces");
                mode = Optional.empty();
            }
            if (mode.isEmpty() || clusters.isEmpty()) {
                return Optional.empty();
            }
            Map<String, RollbackMode> out = new LinkedHashMap<>();
            for (String c : clusters.get()) {
                out.put(c, mode.get());
            }
            return Optional.of(out);
        }

        /** {@code namespaces}: absent (every namespace) or a non-empty list of namespace names. */
        private Optional<List<String>> namespaceNames(Keys k) {
            Optional<Node> v = k.value("namespaces");
            if (v.isEmpty()) {
                return Optional.of(List.of());
            }
            if (!(v.get() instanceof SequenceNode list) || list.getValue().isEmpty()) {
                k.error("namespaces", "must be a non-empty list of namespace names (or left out: every namespace)");
                return Optional.empty();
            }
            List<String> names = new ArrayList<>();
            for (Node item : list.getValue()) {
                if (!(item instanceof ScalarNode sc) || !sc.getTag().equals(Tag.STR) || !KUBERNETES_NAME.matcher(sc.getValue()).matches()) {
                    k.error(nodes.at(item), "namespaces", "must list namespace names, not " + text(item));
                    return Optional.empty();
                }
                names.add(sc.getValue());
            }
            return Optional.of(names);
        }

        private Optional<LeaderElectionSettings> leaderElection(Keys outer) {
            Optional<Node> block = outer.value("leaderElection");
            if (block.isEmpty()) {
                return Optional.empty();
            }
            if (!(block.get() instanceof MappingNode m)) {
                outer.error("leaderElection", "must be a mapping (enabled, namespace, name, identity, leaseDuration,"
                        + " renewDeadline, retryPeriod), not " + text(block.get()));
                return Optional.empty();
            }
            Keys k = new Keys(m, "leaderElection.", ELECTION_KEYS);
            k.rejectUnknown();
            Optional<Boolean> enabled = k.bool("enabled", true);
            Optional<Optional<String>> namespace = k.present("namespace") ? k.kubernetesName("namespace").map(Optional::of)
                    : Optional.of(Optional.empty());
            Optional<String> lease = k.present("name") ? k.kubernetesName("name") : Optional.of(LeaderElectionSettings.DEFAULT_NAME);
            Optional<Optional<String>> identity = !k.present("identity") ? Optional.of(Optional.empty())
                    : k.string("identity", "").filter(i -> {
                        if (i.isBlank()) {
                            k.error("identity", "must not be blank");
                        }
                        return !i.isBlank();
                    }).map(Optional::of);
            Optional<Duration> duration = k.duration("leaseDuration", LeaderElectionSettings.DEFAULT_LEASE_DURATION);
            Optional<Duration> renew = k.duration("renewDeadline", LeaderElectionSettings.DEFAULT_RENEW_DEADLINE);
            Optional<Duration> retry = k.duration("retryPeriod", LeaderElectionSettings.DEFAULT_RETRY_PERIOD);
            if (duration.isPresent() && renew.isPresent() && renew.get().compareTo(duration.get()) >= 0) {
                k.error(k.atFirst("renewDeadline", "leaseDuration"), "renewDeadline", "must be shorter than leaderElection.leaseDuration ("
                        + GoDuration.format(duration.get()) + "), not " + GoDuration.format(renew.get()));
                return Optional.empty();
            }
            if (renew.isPresent() && retry.isPresent()
                    && retry.get().toMillis() * LeaderElectionSettings.JITTER_FACTOR >= renew.get().toMillis()) {
                k.error(k.atFirst("retryPeriod", "renewDeadline"), "retryPeriod", "must be shorter than leaderElection.renewDeadline ("
                        + GoDuration.format(renew.get()) + ") / " + LeaderElectionSettings.JITTER_FACTOR + " (fabric8 jitters it),"
                        + " not " + GoDuration.format(retry.get()));
                return Optional.empty();
            }
            if (enabled.isEmpty() || namespace.isEmpty() || lease.isEmpty() || identity.isEmpty() || duration.isEmpty()
                    || renew.isEmpty() || retry.isEmpty() || !enabled.get()) {
                return Optional.empty();
            }
            return Optional.of(new LeaderElectionSettings(namespace.get(), lease.get(), identity.get(), duration.get(), renew.get(),
                    retry.get()));
        }

        /** A scalar as written, any other node as NodeReader describes it. */
        private static String text(Node node) {
            return node instanceof ScalarNode s ? s.getValue() : NodeReader.describe(node);
        }

        /**
         * The keys of one mapping ({@code prefix} names its place, e.g. {@code leaderElection.}). Each getter
         * gives the default when the key is absent (or null), the value when it is valid, and empty after
         * reporting the problem when it is not.
         */
        private final class Keys {
            private final MappingNode mapping;
            private final String prefix;
            private final List<String> known;
            private final Map<String, NodeTuple> entries;

            Keys(MappingNode mapping, String prefix, List<String> known) {
                this.mapping = mapping;
                this.prefix = prefix;
                this.known = known;
                this.entries = entries(mapping);
            }

            /** Every entry by key (duplicates reported); unknown keys stay in for {@link #rejectUnknown}. */
            private Map<String, NodeTuple> entries(MappingNode m) {
                Map<String, NodeTuple> all = new LinkedHashMap<>();
                for (NodeTuple t : m.getValue()) {
                    if (!(t.getKeyNode() instanceof ScalarNode key) || key.getTag().equals(Tag.NULL)) {
                        nodes.error(t.getKeyNode(), prefix + "keys must be strings, got " + NodeReader.describe(t.getKeyNode()));
                    } else if (all.containsKey(key.getValue())) {
                        nodes.error(key, prefix + key.getValue() + ": duplicate key (first at line "
                                + nodes.at(all.get(key.getValue()).getKeyNode()).line() + ")");
                    } else {
                        all.put(key.getValue(), t);
                    }
                }
                return all;
            }

            void rejectUnknown() {
                entries.forEach((key, t) -> {
                    if (!known.contains(key)) {
                        nodes.error(t.getKeyNode(), prefix + key + ": unknown key" + NearestName.hint(key, known));
                    }
                });
            }

            boolean present(String key) {
                return entries.containsKey(key);
            }

            /** The value of {@code key}, unless absent or null. */
            Optional<Node> value(String key) {
                return Optional.ofNullable(entries.get(key)).map(NodeTuple::getValueNode)
                        .filter(v -> !(v instanceof ScalarNode s && s.getTag().equals(Tag.NULL)));
            }

            /** Where the first of {@code keys} present was written, else where the mapping starts. */
            SourceRef atFirst(String... keys) {
                for (String key : keys) {
                    if (entries.containsKey(key)) {
                        return nodes.at(entries.get(key).getValueNode());
                    }
                }
                return nodes.at(mapping);
            }

            void error(String key, String problem) {
                error(atFirst(key), key, problem);
            }

            void error(SourceRef at, String key, String problem) {
                nodes.error(at, prefix + key + ": " + problem);
            }

            Optional<String> string(String key, String fallback) {
                Optional<Node> v = value(key);
                if (v.isEmpty()) {
                    return Optional.of(fallback);
                }
                if (!(v.get() instanceof ScalarNode s) || !s.getTag().equals(Tag.STR)) {
                    error(key, "must be a string, not " + text(v.get()));
                    return Optional.empty();
                }
                return Optional.of(s.getValue());
            }

            /** A Kubernetes object name (DNS subdomain characters). */
            Optional<String> kubernetesName(String key) {
                return string(key, "").filter(v -> {
                    if (!KUBERNETES_NAME.matcher(v).matches()) {
                        error(key, "must be a Kubernetes name (lower-case letters, digits, '-' and '.'), not '" + v + "'");
                    }
                    return KUBERNETES_NAME.matcher(v).matches();
                });
            }

            Optional<Boolean> bool(String key, boolean fallback) {
                Optional<Node> v = value(key);
                if (v.isEmpty()) {
                    return Optional.of(fallback);
                }
                if (!(v.get() instanceof ScalarNode s) || !s.getTag().equals(Tag.BOOL)) {
                    error(key, "must be true or false, not " + text(v.get()));
                    return Optional.empty();
                }
                return Optional.of(Boolean.parseBoolean(s.getValue().toLowerCase(Locale.ROOT)));
            }

            Optional<Integer> integer(String key, int fallback, int min, int max) {
                Optional<Node> v = value(key);
                if (v.isEmpty()) {
                    return Optional.of(fallback);
                }
                OptionalLong n = v.get() instanceof ScalarNode s && s.getTag().equals(Tag.INT) ? wholeNumber(s.getValue())
                        : OptionalLong.empty();
                if (n.isEmpty() || n.getAsLong() < min || n.getAsLong() > max) {
                    error(key, "must be a whole number in " + min + ".." + max + ", not " + text(v.get()));
                    return Optional.empty();
                }
                return Optional.of((int) n.getAsLong());
            }

            Optional<Duration> duration(String key, Duration fallback) {
                Optional<Node> v = value(key);
                if (v.isEmpty()) {
                    return Optional.of(fallback);
                }
                Optional<Duration> d = v.get() instanceof ScalarNode s && s.getTag().equals(Tag.STR) ? GoDuration.parse(s.getValue())
                        : Optional.empty();
                if (d.isEmpty() || d.get().isZero()) {
                    error(key, "must be a positive duration such as 500ms, 5s or 1m, not " + text(v.get()));
                    return Optional.empty();
                }
                return d;
            }

            /** File names relative to the configuration's folder; {@code required} or empty when absent. */
            Optional<List<Path>> files(String key, String what, boolean required) {
                Optional<Node> v = value(key);
                if (v.isEmpty()) {
                    if (required) {
                        error(key, "is required");
                        return Optional.empty();
                    }
                    return Optional.of(List.of());
                }
                if (!(v.get() instanceof SequenceNode list) || list.getValue().isEmpty()) {
                    error(key, "must be a non-empty list of " + what);
                    return Optional.empty();
                }
                List<Path> all = new ArrayList<>();
                for (Node item : list.getValue()) {
                    if (!(item instanceof ScalarNode s) || !s.getTag().equals(Tag.STR) || s.getValue().isBlank()) {
                        error(nodes.at(item), key, "must list " + (what.equals("files") ? "file" : "file or directory")
                                + " names, not " + text(item));
                    } else {
                        all.add(dir.resolve(s.getValue()));
                    }
                }
                return all.size() == list.getValue().size() ? Optional.of(all) : Optional.empty();
            }

            /** A file named by {@code key}, relative to the configuration's folder, that exists. */
            Optional<Path> existingFile(String key, boolean required) {
                Optional<String> name = string(key, "");
                if (name.isEmpty()) {
                    return Optional.empty();
                }
                if (name.get().isBlank()) {
                    if (required) {
                        error(key, "is required (a file name)");
                    }
                    return Optional.empty();
                }
                Path file = dir.resolve(name.get());
                if (!Files.isRegularFile(file)) {
                    error(key, "no such file: " + file);
                    return Optional.empty();
                }
                return Optional.of(file);
            }

            /** The cluster tokens; {@code required} unless some cluster authenticates by TokenReview. */
            Optional<Map<String, String>> tokens(boolean required) {
                Optional<Node> v = value("tokens");
                if (v.isEmpty()) {
                    if (!required) {
                        return Optional.of(Map.of());
                    }
                    error("tokens", "is required (a bearer token per cluster)");
                    return Optional.empty();
                }
                if (!(v.get() instanceof MappingNode m) || m.getValue().isEmpty()) {
                    error("tokens", "must map each cluster name to its bearer token");
                    return Optional.empty();
                }
                Map<String, String> all = new LinkedHashMap<>();
                boolean ok = true;
                for (Map.Entry<String, NodeTuple> e : new Keys(m, "tokens.", List.of()).entries.entrySet()) {
                    Node token = e.getValue().getValueNode();
                    if (!(token instanceof ScalarNode t) || !t.getTag().equals(Tag.STR) || t.getValue().isBlank()) {
                        error(nodes.at(token), "tokens." + e.getKey(), "must be a non-blank string");
                        ok = false;
                    } else {
                        all.put(e.getKey(), t.getValue());
                    }
                }
                return ok && all.size() == m.getValue().size() ? Optional.of(all) : Optional.empty();
            }
        }
    }

    /** A YAML 1.2 core-schema integer ({@code 42}, {@code +7}, {@code 0x1F}, {@code 0o17}), if it fits a long. */
    private static OptionalLong wholeNumber(String text) {
        try {
            if (text.startsWith("0x")) {
                return OptionalLong.of(Long.parseLong(text.substring(2), 16));
            }
            if (text.startsWith("0o")) {
                return OptionalLong.of(Long.parseLong(text.substring(2), 8));
            }
            return OptionalLong.of(Long.parseLong(text.startsWith("+") ? text.substring(1) : text));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
