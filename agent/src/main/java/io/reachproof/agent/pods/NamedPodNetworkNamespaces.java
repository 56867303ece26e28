package io.reachproof.agent.pods;

import static java.util.Objects.requireNonNull;

import io.reachproof.agent.netns.NamedNetns;
import io.reachproof.agent.netns.NetnsRef;
import io.reachproof.agent.netns.NetnsUnavailable;
import io.reachproof.agent.netns.PodNetworkNamespaces;
import io.reachproof.protocol.PodRef;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Pods whose network namespaces are named ones ({@code ip netns}), as in labs and tests: the name comes from a
 * template over the pod, {@code {namespace}}, {@code {name}} and {@code {uid}} replaced (default
 * {@value #DEFAULT_TEMPLATE}), under a directory (default {@code /run/netns}).
 */
public final class NamedPodNetworkNamespaces implements PodNetworkNamespaces {

    public static final String DEFAULT_TEMPLATE = "{namespace}-{name}";

    private final Path dir;
    private final String template;

    public NamedPodNetworkNamespaces(Path dir, String template) {
        this.dir = requireNonNull(dir, "dir");
        this.template = requireNonNull(template, "template");
    }

    public NamedPodNetworkNamespaces() {
        this(NamedNetns.RUN_NETNS, DEFAULT_TEMPLATE);
    }

    /** The namespace name of {@code pod}. */
    public String nameOf(PodRef pod) {
        return template.replace("{namespace}", pod.namespace()).replace("{name}", pod.name()).replace("{uid}", pod.uid());
    }

    @Override
    public Optional<NetnsRef> find(PodRef pod) {
        try {
            return Optional.of(NamedNetns.of(dir.resolve(nameOf(pod))));
        } catch (NetnsUnavailable e) {
            return Optional.empty();
        }
    }
}
