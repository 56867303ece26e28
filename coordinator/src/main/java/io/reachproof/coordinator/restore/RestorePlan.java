package io.reachproof.coordinator.restore;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.reachproof.policy.PolicyDrift;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * What restoring a proven policy set writes in one cluster, within the namespaces rollback may write in: each policy
 * that differs from its proven version is applied as that version ({@link Kind#RESTORE}), a proven policy deleted
 * since is created again ({@link Kind#RECREATE}), a policy the proven set did not have is deleted ({@link Kind#DELETE}).
 * Policies equal to their proven versions (labels and spec, as {@link PolicyDrift#sameContent} compares) are left alone.
 */
public record RestorePlan(String cluster, String versionId, List<Action> actions) {

    /** Annotations never written back: kubectl's copy of its last apply would describe another version. */
    private static final Set<String> DROPPED_ANNOTATIONS = Set.of("kubectl.kubernetes.io/last-applied-configuration");

    public enum Kind {
        RESTORE, RECREATE, DELETE;

        public String spelling() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One write: {@code object} is what is applied (null for a delete). */
    public record Action(Kind kind, String namespace, String name, NetworkPolicy object) {
        public Action {
            requireNonNull(kind, "kind");
            requireNonNull(namespace, "namespace");
            requireNonNull(name, "name");
            if ((object == null) != (kind == Kind.DELETE)) {
                throw new IllegalArgumentException(kind + " of " + namespace + "/" + name + (object == null
                        ? " needs the object to write" : " writes no object"));
            }
        }

        @Override
        public String toString() {
            return spelling() + " networkpolicy " + namespace + "/" + name;
        }

        public String spelling() {
            return kind.spelling();
        }
    }

    public RestorePlan {
        requireNonNull(cluster, "cluster");
        requireNonNull(versionId, "versionId");
        actions = List.copyOf(actions);
    }

    /** Nothing to write: the policies in those namespaces are the proven ones. */
    public boolean empty() {
        return actions.isEmpty();
    }

    /**
     * The plan that makes {@code live} (by {@code namespace/name}) carry {@code proven}'s policies in the namespaces
     * {@code writable} accepts. Pure.
     */
    public static RestorePlan between(ProvenPolicies.Version proven, Map<String, NetworkPolicy> live,
            Predicate<String> writable) {
        List<Action> actions = new ArrayList<>();
        Set<String> keys = new TreeSet<>(proven.policies().keySet());
        keys.addAll(live.keySet());
        for (String key : keys) {
            String namespace = key.substring(0, key.indexOf('/'));
            String name = key.substring(key.indexOf('/') + 1);
            if (!writable.test(namespace)) {
                continue;
            }
            NetworkPolicy want = proven.policies().get(key);
            NetworkPolicy have = live.get(key);
            if (want == null) {
                actions.add(new Action(Kind.DELETE, namespace, name, null));
            } else if (have == null) {
                actions.add(new Action(Kind.RECREATE, namespace, name, written(want, namespace)));
            } else if (!PolicyDrift.sameContent(want, have)) {
                actions.add(new Action(Kind.RESTORE, namespace, name, written(want, namespace)));
            }
        }
        return new RestorePlan(proven.cluster(), proven.id(), actions);
    }

    /** The object as rollback applies it: name, namespace, labels, annotations the user gave, spec; nothing server-set. */
    static NetworkPolicy written(NetworkPolicy proven, String namespace) {
        ObjectMeta m = proven.getMetadata();
        Map<String, String> annotations = new TreeMap<>(m.getAnnotations() == null ? Map.of() : m.getAnnotations());
        annotations.keySet().removeAll(DROPPED_ANNOTATIONS);
        return new NetworkPolicyBuilder()
                .withApiVersion("networking.k8s.io/v1")
                .withKind("NetworkPolicy")
                .withNewMetadata()
                    .withName(m.getName())
                    .withNamespace(namespace)
                    .withLabels(m.getLabels() == null || m.getLabels().isEmpty() ? null : new TreeMap<>(m.getLabels()))
                    .withAnnotations(annotations.isEmpty() ? null : annotations)
                .endMetadata()
                .withSpec(proven.getSpec())
                .build();
    }
}
