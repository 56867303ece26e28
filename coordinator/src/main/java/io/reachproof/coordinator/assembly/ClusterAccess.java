package io.reachproof.coordinator.assembly;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How the coordinator reaches one watched cluster: its own cluster (no kubeconfig: the coordinator's
 * kubeconfig, else the pod's service account, else ~/.kube/config), or another cluster through a kubeconfig
 * file (its current-context, or {@code context}).
 *
 * @param label how error messages name where this access was given (e.g. {@code --kubernetes gcp-lab=k.yaml})
 */
public record ClusterAccess(String name, String label, Optional<Path> kubeconfig, Optional<String> context) {

    public ClusterAccess {
        requireNonNull(name, "name");
        requireNonNull(label, "label");
        requireNonNull(kubeconfig, "kubeconfig");
        requireNonNull(context, "context");
        if (name.isBlank()) {
            throw new IllegalArgumentException("cluster name must not be blank");
        }
        if (context.isPresent() && kubeconfig.isEmpty()) {
            throw new IllegalArgumentException("a context needs a kubeconfig: " + label);
        }
    }

    /** The coordinator's own cluster: no kubeconfig of its own. */
    public boolean own() {
        return kubeconfig.isEmpty();
    }
}
