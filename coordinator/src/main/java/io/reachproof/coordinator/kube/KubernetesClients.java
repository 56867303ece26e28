package io.reachproof.coordinator.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The coordinator's Kubernetes client: from a kubeconfig file, else fabric8's defaults (in-cluster, ~/.kube/config). */
public final class KubernetesClients {

    private KubernetesClients() {
    }

    /** A client; {@code kubeconfig} may be null. An unreadable file is an IllegalArgumentException naming it. */
    public static KubernetesClient connect(Path kubeconfig) {
        if (kubeconfig == null) {
            return new KubernetesClientBuilder().build();
        }
        String text;
        try {
            text = Files.readString(kubeconfig);
        } catch (IOException e) {
            throw new IllegalArgumentException(kubeconfig + ": cannot read the kubeconfig: " + e.getMessage(), e);
        }
        return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(text)).build();
    }
}
