package io.reachproof.coordinator.assembly;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.reachproof.coordinator.store.PolicyVersion;
import io.reachproof.coordinator.store.ProofStore;
import io.reachproof.coordinator.store.RecordSettings;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Collection;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * Keeps the versions of the NetworkPolicies a coordinator sees in the proof record: one per content (the SHA-256 of
 * the policy's spec as YAML), with its resourceVersion, its spec and who changed it last (the newest
 * {@code managedFields} entry's manager). Writing the same content again is a no-op of the store.
 */
final class PolicyRecorder {

    private final ProofStore store;
    private final Clock clock;
    private final String instance;
    private final KubernetesSerialization yaml = new KubernetesSerialization();

    PolicyRecorder(ProofStore store, Clock clock, String instance) {
        this.store = requireNonNull(store, "store");
        this.clock = requireNonNull(clock, "clock");
        this.instance = requireNonNull(instance, "instance");
    }

    /** Records every policy of {@code cluster} as it is in force now. */
    void record(String cluster, Collection<NetworkPolicy> policies) {
        String now = clock.instant().toString();
        for (NetworkPolicy p : policies) {
            store.recordPolicyVersion(version(cluster, p, now));
        }
    }

    PolicyVersion version(String cluster, NetworkPolicy p, String seenAt) {
        String spec = "spec:\n" + indent(yaml.asYaml(p.getSpec()).replaceFirst("^---\n", ""));
        return new PolicyVersion(cluster, p.getMetadata().getNamespace(), p.getMetadata().getName(),
                RecordSettings.sha256(spec.getBytes(StandardCharsets.UTF_8)),
                Optional.ofNullable(p.getMetadata().getResourceVersion()), manager(p), seenAt, instance, spec);
    }

    /** The manager of the newest {@code managedFields} entry (entries without a time count as oldest). */
    static Optional<String> manager(NetworkPolicy p) {
        if (p.getMetadata().getManagedFields() == null) {
            return Optional.empty();
        }
        return p.getMetadata().getManagedFields().stream()
                .filter(e -> e.getManager() != null)
                .max(Comparator.comparing((ManagedFieldsEntry e) -> Objects.requireNonNullElse(e.getTime(), "")))
                .map(ManagedFieldsEntry::getManager);
    }

    private static String indent(String text) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n")) {
            if (!line.isEmpty()) {
                out.append("  ").append(line).append('\n');
            }
        }
        return out.toString();
    }
}
