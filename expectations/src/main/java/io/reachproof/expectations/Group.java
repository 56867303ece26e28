package io.reachproof.expectations;

import static java.util.Objects.requireNonNull;

import io.reachproof.yaml.SourceRef;
import java.util.List;

/**
 * A named set of endpoints. Either pods, chosen by cluster list (empty = every cluster), a namespace
 * name or a namespace selector (neither = every namespace), and a pod selector; or external
 * destinations ({@link #external()} non-empty), which no agent is a member of.
 */
public record Group(
        String name,
        List<String> clusters,
        String namespace,
        LabelSelector namespaceSelector,
        LabelSelector podSelector,
        List<String> external,
        SourceRef source) {

    public Group {
        requireNonNull(name, "name");
        clusters = List.copyOf(requireNonNull(clusters, "clusters"));
        namespaceSelector = namespaceSelector == null ? LabelSelector.EVERYTHING : namespaceSelector;
        podSelector = podSelector == null ? LabelSelector.EVERYTHING : podSelector;
        external = List.copyOf(requireNonNull(external, "external"));
        requireNonNull(source, "source");
        if (namespace != null && !namespaceSelector.isEmpty()) {
            throw new IllegalArgumentException("group " + name + ": namespace and namespaceSelector are exclusive");
        }
    }

    public boolean isExternal() {
        return !external.isEmpty();
    }

    /** Whether an agent endpoint belongs to this group. External endpoints belong to no pod group. */
    public boolean matches(Endpoint endpoint) {
        if (isExternal()) {
            return endpoint.external() && external.contains(endpoint.id());
        }
        if (endpoint.external()) {
            return false;
        }
        if (!clusters.isEmpty() && !clusters.contains(endpoint.cluster())) {
            return false;
        }
        if (namespace != null && !namespace.equals(endpoint.namespace())) {
            return false;
        }
        return namespaceSelector.matches(endpoint.namespaceLabels()) && podSelector.matches(endpoint.podLabels());
    }
}
