package io.reachproof.cli;

import static java.util.Objects.requireNonNull;

import io.reachproof.coordinator.assembly.ClusterAccess;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code --kubernetes} value of {@code reachproof coordinator}: {@code CLUSTER}, the coordinator's own cluster
 * (reached through {@code --kubeconfig}, else the pod's service account, else ~/.kube/config), or
 * {@code CLUSTER=KUBECONFIG[#CONTEXT]}, another cluster reached through that kubeconfig file (its
 * current-context, or CONTEXT).
 *
 * @param value the value as given, for error messages
 */
record WatchedCluster(String value, String name, Optional<Path> kubeconfig, Optional<String> context) {

    WatchedCluster {
        requireNonNull(value, "value");
        requireNonNull(name, "name");
        requireNonNull(kubeconfig, "kubeconfig");
        requireNonNull(context, "context");
    }

    /** The values in order; a malformed value, a cluster given twice or two own clusters is a UserError naming it. */
    static List<WatchedCluster> parseAll(List<String> values) {
        Map<String, WatchedCluster> byName = new LinkedHashMap<>();
        WatchedCluster own = null;
        for (String value : values) {
            WatchedCluster c = parse(value);
            WatchedCluster before = byName.putIfAbsent(c.name(), c);
            if (before != null) {
                throw new UserError(c.option() + ": cluster " + c.name() + " is watched already (" + before.option()
                        + ")");
            }
            if (c.own()) {
                if (own != null) {
                    throw new UserError(c.option() + ": only one cluster is the coordinator's own (" + own.option()
                            + "); watch another one through its kubeconfig: --kubernetes " + c.name() + "=KUBECONFIG");
                }
                own = c;
            }
        }
        return new ArrayList<>(byName.values());
    }

    static WatchedCluster parse(String value) {
        int eq = value.indexOf('=');
        String name = eq < 0 ? value : value.substring(0, eq);
        if (name.isBlank()) {
            throw new UserError(option(value) + ": the cluster name is empty");
        }
        if (eq < 0) {
            return new WatchedCluster(value, name, Optional.empty(), Optional.empty());
        }
        String file = value.substring(eq + 1);
        Optional<String> context = Optional.empty();
        int hash = file.lastIndexOf('#');
        if (hash >= 0) {
            context = Optional.of(file.substring(hash + 1));
            file = file.substring(0, hash);
            if (context.get().isBlank()) {
                throw new UserError(option(value) + ": the context name after # is empty");
            }
        }
        if (file.isBlank()) {
            throw new UserError(option(value) + ": the kubeconfig file name after = is empty");
        }
        try {
            return new WatchedCluster(value, name, Optional.of(Path.of(file)), context);
        } catch (InvalidPathException e) {
            throw new UserError(option(value) + ": not a file name: " + e.getMessage());
        }
    }

    /** The coordinator's own cluster: no kubeconfig of its own. */
    boolean own() {
        return kubeconfig.isEmpty();
    }

    /** How the coordinator's assembly reaches this cluster, named in its errors as {@link #option()}. */
    ClusterAccess access() {
        return new ClusterAccess(name, option(), kubeconfig, context);
    }

    /** {@code --kubernetes VALUE}, as error messages name it. */
    String option() {
        return option(value);
    }

    private static String option(String value) {
        return "--kubernetes " + (value.isEmpty() ? "\"\"" : value);
    }

    /** Where the cluster is reached, for the startup lines. */
    String describeAccess(Path ownKubeconfig) {
        if (own()) {
            return ownKubeconfig != null ? "the coordinator's own cluster, kubeconfig " + ownKubeconfig
                    : "the coordinator's own cluster, service account or ~/.kube/config";
        }
        return "kubeconfig " + kubeconfig.get() + context.map(c -> " context " + c).orElse("");
    }
}
