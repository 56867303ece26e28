package io.reachproof.coordinator;

import static java.util.Objects.requireNonNull;

import io.reachproof.coordinator.api.ApiServerSettings;
import io.reachproof.coordinator.kube.LeaderElectionSettings;
import io.reachproof.coordinator.plan.PlannerSettings;
import io.reachproof.coordinator.registry.RegistrySettings;
import io.reachproof.coordinator.round.RoundSettings;
import io.reachproof.expectations.GoDuration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * The coordinator's configuration file (YAML, or JSON, which YAML reads too), read once at start:
 *
 * <pre>
 * bind: 0.0.0.0               # default 0.0.0.0
 * port: 7070                  # default 7070
 * tokens: {aws-prod: s3cret}  # bearer token per cluster (required)
 * adminToken: ops-s3cret      # optional: required by the operator endpoints when set
 * expectations: [shop.yaml]   # expectation files, relative to this file (required)
 * policies: [policies/]       # NetworkPolicy files or directories for spec.fromPolicies (read once at start;
 *                            # a cluster watched with --kubernetes takes its policies live instead)
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
 * maxBatchResults: 5000       # entries per result delivery
 * jitter: 5s                  # at most this random delay before a set's first round
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
 * Every mistake is an {@link IllegalArgumentException} naming the file and the key.
 */
public record CoordinatorConfig(CoordinatorSettings settings, List<Path> expectationFiles, List<Path> policyPaths,
        Optional<LeaderElectionSettings> leaderElection) {

    private static final Set<String> KEYS = Set.of("bind", "port", "tokens", "adminToken", "expectations", "policies",
            "heartbeatInterval", "missedHeartbeats", "goneAfter", "probeAttempts", "probeTimeout",
            "failedAttemptsForDeny", "pairsPerClusterPair", "probeBudgetPerAgent", "roundSlack", "retainReports",
            "pollTimeout", "maxBodyBytes", "maxBatchResults", "jitter", "leaderElection");
    private static final Set<String> ELECTION_KEYS = Set.of("enabled", "namespace", "name", "identity", "leaseDuration",
            "renewDeadline", "retryPeriod");

    public CoordinatorConfig {
        requireNonNull(settings, "settings");
        expectationFiles = List.copyOf(requireNonNull(expectationFiles, "expectationFiles"));
        policyPaths = List.copyOf(requireNonNull(policyPaths, "policyPaths"));
        requireNonNull(leaderElection, "leaderElection");
    }

    /** Always the leader (no election). */
    public CoordinatorConfig(CoordinatorSettings settings, List<Path> expectationFiles, List<Path> policyPaths) {
        this(settings, expectationFiles, policyPaths, Optional.empty());
    }

    public static CoordinatorConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read the configuration: " + e.getMessage());
        }
        Object doc;
        try {
            doc = new Load(LoadSettings.builder().setLabel(file.toString()).setAllowDuplicateKeys(false).build())
                    .loadFromString(text);
        } catch (YamlEngineException e) {
            throw new IllegalArgumentException(file + ": not valid YAML or JSON: " + e.getMessage().replace('\n', ' '));
        }
        if (!(doc instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(file + ": the configuration must be a mapping of keys to values");
        }
        Path dir = file.toAbsolutePath().getParent();
        return fromMap(file.toString(), map, dir);
    }

    /** The configuration from already-parsed keys; {@code name} prefixes every error, {@code dir} resolves files. */
    public static CoordinatorConfig fromMap(String name, Map<?, ?> map, Path dir) {
        Keys k = new Keys(name, "", map, KEYS);
        int port = k.integer("port", 7070, 0, 65535);
        ApiServerSettings api = new ApiServerSettings(k.string("bind", "0.0.0.0"), port,
                k.integer("maxBodyBytes", ApiServerSettings.DEFAULT_MAX_BODY_BYTES, 1024, Integer.MAX_VALUE),
                Duration.ofSeconds(90));
        Map<String, String> tokens = k.tokens();
        Optional<String> admin = map.containsKey("adminToken") ? Optional.of(k.string("adminToken", "")) : Optional.empty();
        if (admin.isPresent() && admin.get().isBlank()) {
            throw k.error("adminToken", "must not be blank");
        }
        List<Path> files = new ArrayList<>();
        for (String f : k.strings("expectations", "files")) {
            files.add(dir.resolve(f));
        }
        List<Path> policies = new ArrayList<>();
        if (map.containsKey("policies")) {
            for (String f : k.strings("policies", "files or directories")) {
                policies.add(dir.resolve(f));
            }
        }
        Duration heartbeat = k.duration("heartbeatInterval", Duration.ofSeconds(5));
        int missed = k.integer("missedHeartbeats", 3, 1, 1000);
        Duration gone = k.duration("goneAfter", Duration.ofMinutes(10));
        if (gone.compareTo(heartbeat.multipliedBy(missed)) <= 0) {
            throw k.error("goneAfter", "must be longer than heartbeatInterval x missedHeartbeats");
        }
        int attempts = k.integer("probeAttempts", 2, 1, 100);
        int failed = k.integer("failedAttemptsForDeny", attempts, 1, 100);
        if (failed > attempts) {
            throw k.error("failedAttemptsForDeny", "must not exceed probeAttempts (" + attempts + ")");
        }
        PlannerSettings planner = new PlannerSettings(k.integer("pairsPerClusterPair", 1, 1, 10_000),
                k.integer("probeBudgetPerAgent", 500, 1, 1_000_000), attempts,
                k.duration("probeTimeout", Duration.ofSeconds(1)).toMillis());
        RoundSettings rounds = new RoundSettings(k.duration("roundSlack", Duration.ofSeconds(2)), 32,
                k.integer("retainReports", 20, 1, 10_000));
        Duration poll = k.duration("pollTimeout", Duration.ofSeconds(25));
        if (poll.compareTo(Duration.ofSeconds(60)) > 0) {
            throw k.error("pollTimeout", "must be at most 60s");
        }
        CoordinatorSettings settings = new CoordinatorSettings(api, tokens, admin,
                new RegistrySettings(heartbeat, missed, gone), planner, rounds, failed, poll,
                k.integer("maxBatchResults", 5000, 1, 1_000_000), true, k.duration("jitter", Duration.ofSeconds(5)));
        Optional<LeaderElectionSettings> election = leaderElection(k, map.get("leaderElection"));
        k.rejectUnknown();
        return new CoordinatorConfig(settings, files, policies, election);
    }

    private static Optional<LeaderElectionSettings> leaderElection(Keys outer, Object block) {
        if (block == null) {
            return Optional.empty();
        }
        if (!(block instanceof Map<?, ?> m)) {
            throw outer.error("leaderElection", "must be a mapping (enabled, namespace, name, identity, leaseDuration,"
                    + " renewDeadline, retryPeriod), not " + block);
        }
        Keys k = new Keys(outer.name, "leaderElection.", m, ELECTION_KEYS);
        k.rejectUnknown();
        Object enabled = m.get("enabled");
        if (enabled != null && !(enabled instanceof Boolean)) {
            throw k.error("enabled", "must be true or false, not " + enabled);
        }
        Optional<String> namespace = k.optionalName("namespace");
        String lease = k.optionalName("name").orElse(LeaderElectionSettings.DEFAULT_NAME);
        Optional<String> identity = Optional.ofNullable(m.get("identity")).map(v -> k.string("identity", ""));
        if (identity.isPresent() && identity.get().isBlank()) {
            throw k.error("identity", "must not be blank");
        }
        Duration duration = k.duration("leaseDuration", LeaderElectionSettings.DEFAULT_LEASE_DURATION);
        Duration renew = k.duration("renewDeadline", LeaderElectionSettings.DEFAULT_RENEW_DEADLINE);
        Duration retry = k.duration("retryPeriod", LeaderElectionSettings.DEFAULT_RETRY_PERIOD);
        if (renew.compareTo(duration) >= 0) {
            throw k.error("renewDeadline", "must be shorter than leaderElection.leaseDuration ("
                    + GoDuration.format(duration) + "), not " + GoDuration.format(renew));
        }
        if (retry.toMillis() * LeaderElectionSettings.JITTER_FACTOR >= renew.toMillis()) {
            throw k.error("retryPeriod", "must be shorter than leaderElection.renewDeadline ("
                    + GoDuration.format(renew) + ") / " + LeaderElectionSettings.JITTER_FACTOR + " (fabric8 jitters it),"
                    + " not " + GoDuration.format(retry));
        }
        if (Boolean.FALSE.equals(enabled)) {
            return Optional.empty();
        }
        return Optional.of(new LeaderElectionSettings(namespace, lease, identity, duration, renew, retry));
    }

    private static final class Keys {
        private final String name;
        private final String prefix;
        private final Map<?, ?> map;
        private final Set<String> known;

        Keys(String name, String prefix, Map<?, ?> map, Set<String> known) {
            this.name = name;
            this.prefix = prefix;
            this.map = map;
            this.known = known;
        }

        IllegalArgumentException error(String key, String problem) {
            return new IllegalArgumentException(name + ": " + prefix + key + ": " + problem);
        }

        void rejectUnknown() {
            for (Object key : map.keySet()) {
                if (!known.contains(String.valueOf(key))) {
                    throw error(String.valueOf(key), "unknown key; expected one of " + String.join(", ",
                            new java.util.TreeSet<>(known)));
                }
            }
        }

        /** A Kubernetes object name (DNS label characters), when present. */
        Optional<String> optionalName(String key) {
            if (map.get(key) == null) {
                return Optional.empty();
            }
            String v = string(key, "");
            if (!v.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
                throw error(key, "must be a Kubernetes name (lower-case letters, digits, '-' and '.'), not '" + v + "'");
            }
            return Optional.of(v);
        }

        String string(String key, String fallback) {
            Object v = map.get(key);
            if (v == null) {
                return fallback;
            }
            if (!(v instanceof String s)) {
                throw error(key, "must be a string, not " + v);
            }
            return s;
        }

        int integer(String key, int fallback, int min, int max) {
            Object v = map.get(key);
            if (v == null) {
                return fallback;
            }
            if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < min || ((Number) v).longValue() > max) {
                throw error(key, "must be a whole number in " + min + ".." + max + ", not " + v);
            }
            return ((Number) v).intValue();
        }

        Duration duration(String key, Duration fallback) {
            Object v = map.get(key);
            if (v == null) {
                return fallback;
            }
            Optional<Duration> d = v instanceof String s ? GoDuration.parse(s) : Optional.empty();
            if (d.isEmpty() || d.get().isZero()) {
                throw error(key, "must be a positive duration such as 500ms, 5s or 1m, not " + v);
            }
            return d.get();
        }

        List<String> strings(String key, String what) {
            Object v = map.get(key);
            if (v == null) {
                throw error(key, "is required");
            }
            if (!(v instanceof List<?> list) || list.isEmpty()) {
                throw error(key, "must be a non-empty list of " + what);
            }
            List<String> all = new ArrayList<>();
            for (Object o : list) {
                if (!(o instanceof String s) || s.isBlank()) {
                    throw error(key, "must list " + (what.equals("files") ? "file" : "file or directory") + " names, not " + o);
                }
                all.add(s);
            }
            return all;
        }

        Map<String, String> tokens() {
            Object v = map.get("tokens");
            if (v == null) {
                throw error("tokens", "is required (a bearer token per cluster)");
            }
            if (!(v instanceof Map<?, ?> m) || m.isEmpty()) {
                throw error("tokens", "must map each cluster name to its bearer token");
            }
            Map<String, String> all = new LinkedHashMap<>();
            m.forEach((cluster, token) -> {
                if (!(token instanceof String t) || t.isBlank()) {
                    throw error("tokens." + cluster, "must be a non-blank string");
                }
                all.put(String.valueOf(cluster), t);
            });
            return all;
        }
    }
}
