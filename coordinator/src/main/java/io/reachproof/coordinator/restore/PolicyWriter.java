package io.reachproof.coordinator.restore;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.reachproof.coordinator.kube.KubernetesClients;
import io.reachproof.policy.PolicyDrift;
import java.util.Map;

/** Writes one action of a {@link RestorePlan} in a cluster. */
public interface PolicyWriter {

    /** The field manager of every server-side apply rollback makes. */
    String FIELD_MANAGER = "reachproof";

    /**
     * Writes {@code action} in {@code cluster}.
     *
     * @throws IllegalStateException naming the action, the cluster and why, when the API server refuses it
     */
    void write(String cluster, RestorePlan.Action action);

    /**
     * Writes through each cluster's API server: restores and re-creations as server-side applies with field manager
     * {@value #FIELD_MANAGER} (taking the fields over from whoever changed them; when a field another manager set
     * and the proven version lacks stays behind, the object is then replaced whole), deletions as deletes. Only
     * NetworkPolicies, only in the namespace the action names.
     */
    static PolicyWriter kubernetes(Map<String, KubernetesClient> clients) {
        Map<String, KubernetesClient> byCluster = Map.copyOf(requireNonNull(clients, "clients"));
        return (cluster, action) -> {
            KubernetesClient client = byCluster.get(cluster);
            if (client == null) {
                throw new IllegalStateException("cluster " + cluster + " is not watched: rollback cannot write there");
            }
            try {
                var policies = client.network().v1().networkPolicies().inNamespace(action.namespace());
                if (action.kind() == RestorePlan.Kind.DELETE) {
                    policies.withName(action.name()).delete();
                } else {
                    NetworkPolicy object = action.object();
                    NetworkPolicy result = policies.resource(object).fieldManager(FIELD_MANAGER).forceConflicts()
                            .serverSideApply();
                    if (!PolicyDrift.sameContent(result, object)) {
                        // a field another manager set that the proven version does not have (an egress list the
                        // change added) stays after an apply: replace the object whole
                        result.setSpec(object.getSpec());
                        result.getMetadata().setLabels(object.getMetadata().getLabels());
                        policies.resource(result).update();
                    }
                }
            } catch (KubernetesClientException e) {
                throw new IllegalStateException("cannot " + action + " in cluster " + cluster + ": "
                        + KubernetesClients.problem(e), e);
            }
        };
    }
}
