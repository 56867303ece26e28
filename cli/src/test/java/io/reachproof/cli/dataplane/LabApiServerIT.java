package io.reachproof.cli.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A lab cluster's API takes what kubectl sends: apply, get and delete of a NetworkPolicy, through its kubeconfig. */
class LabApiServerIT {

    @TempDir
    Path dir;

    private String kubectl(Path kubeconfig, String... args) {
        String[] command = new String[args.length + 3];
        command[0] = "kubectl";
        command[1] = "--kubeconfig";
        command[2] = kubeconfig.toString();
        System.arraycopy(args, 0, command, 3, args.length);
        return Shell.run(null, command);
    }

    @Test
    void kubectlAppliesGetsAndDeletesANetworkPolicyThroughTheLabKubeconfig() throws Exception {
        Assumptions.assumeTrue(Shell.onPath("kubectl"), "needs kubectl (Debian package kubernetes-client)");
        Path policy = Files.writeString(dir.resolve("deny.yaml"), """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: deny-all, namespace: payments}
                spec:
                  podSelector: {}
                  policyTypes: [Ingress]
                """);
        try (LabApiServer api = LabApiServer.start("aws-lab", dir)) {
            String applied = kubectl(api.kubeconfig(), "apply", "--validate=false", "-f", policy.toString());

            assertThat(applied).contains("networkpolicy.networking.k8s.io/deny-all created");
            NetworkPolicy stored = api.client().network().v1().networkPolicies().inNamespace("payments").withName("deny-all").get();
            assertThat(stored.getSpec().getPolicyTypes()).containsExactly("Ingress");
            assertThat(kubectl(api.kubeconfig(), "get", "networkpolicies", "-n", "payments", "-o", "name"))
                    .contains("networkpolicy.networking.k8s.io/deny-all");
            Files.writeString(policy, Files.readString(policy).replace("[Ingress]", "[Ingress, Egress]"));
            assertThat(kubectl(api.kubeconfig(), "apply", "--validate=false", "-f", policy.toString())).contains("configured");
            assertThat(api.client().network().v1().networkPolicies().inNamespace("payments").withName("deny-all").get()
                    .getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");

            assertThat(kubectl(api.kubeconfig(), "delete", "-f", policy.toString())).contains("deleted");
            assertThat(api.client().network().v1().networkPolicies().inNamespace("payments").list().getItems()).isEmpty();
        }
    }
}
