package io.reachproof.coordinator.kube;

import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

/**
 * The coordinator's Kubernetes clients: from a kubeconfig file (its current context, or a named one), else
 * fabric8's defaults (in-cluster service account, then ~/.kube/config).
 */
public final class KubernetesClients {

    private KubernetesClients() {
    }

    /** A client; {@code kubeconfig} may be null (fabric8's defaults). See {@link #connect(Path, String)}. */
    public static KubernetesClient connect(Path kubeconfig) {
        return kubeconfig == null ? new KubernetesClientBuilder().build() : connect(kubeconfig, null);
    }

    /**
     * A client for the cluster of {@code context} in {@code kubeconfig} (null: its {@code current-context}).
     * Relative file names in it are resolved against its folder, as kubectl does. A file that cannot be read,
     * is no kubeconfig, has no such context, or whose context names a cluster it does not define is an
     * IllegalArgumentException naming the file (fabric8 would quietly fall back to the in-cluster API server,
     * which would then pass for the other cluster).
     */
    public static KubernetesClient connect(Path kubeconfig, String context) {
        Objects.requireNonNull(kubeconfig, "kubeconfig");
        String text;
        try {
            text = Files.readString(kubeconfig);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(kubeconfig + ": cannot read the kubeconfig: no such file", e);
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException(kubeconfig + ": cannot read the kubeconfig: permission denied", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(kubeconfig + ": cannot read the kubeconfig: " + e.getMessage(), e);
        }
        io.fabric8.kubernetes.api.model.Config parsed;
        try {
            parsed = text.isBlank() ? null
                    : new KubernetesSerialization().unmarshal(text, io.fabric8.kubernetes.api.model.Config.class);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(notAKubeconfig(kubeconfig, e), e);
        }
        if (parsed == null) {
            throw new IllegalArgumentException(kubeconfig + ": not a kubeconfig: the file is empty");
        }
        String name = context != null ? context : parsed.getCurrentContext();
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(kubeconfig + ": the kubeconfig has no current-context");
        }
        List<NamedContext> contexts = Optional.ofNullable(parsed.getContexts()).orElse(List.of());
        NamedContext chosen = contexts.stream().filter(c -> name.equals(c.getName())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(kubeconfig + ": the kubeconfig has no context " + name
                        + " (contexts: " + (contexts.isEmpty() ? "none" : String.join(", ",
                                contexts.stream().map(NamedContext::getName).toList())) + ")"));
        String cluster = chosen.getContext() == null ? null : chosen.getContext().getCluster();
        boolean served = Optional.ofNullable(parsed.getClusters()).orElse(List.of()).stream()
                .filter(c -> c.getName() != null && c.getName().equals(cluster)).map(NamedCluster::getCluster)
                .anyMatch(c -> c != null && c.getServer() != null && !c.getServer().isBlank());
        if (!served) {
            throw new IllegalArgumentException(kubeconfig + ": context " + name + " names cluster " + cluster
                    + ", which the kubeconfig does not define with a server");
        }
        Config config;
        try {
            config = Config.fromKubeconfig(name, kubeconfig.toFile());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(kubeconfig + ": not a kubeconfig: " + firstLine(e.getMessage()), e);
        }
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /**
     * What went wrong talking to an API server, in one line: {@code HTTP 403 Forbidden: <the API server's
     * message>}, else the network problem ({@code cannot connect}, ...), else the client's message.
     */
    public static String problem(KubernetesClientException e) {
        if (e.getCode() > 0) {
            Status status = e.getStatus();
            String reason = status == null || status.getReason() == null ? "" : " " + status.getReason();
            String message = status == null || status.getMessage() == null ? e.getMessage() : status.getMessage();
            return "HTTP " + e.getCode() + reason + ": " + firstLine(message);
        }
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "cannot connect" + (t.getMessage() == null ? "" : " (" + t.getMessage() + ")");
            }
            if (!(t instanceof KubernetesClientException) && t.getMessage() != null) {
                return t.getClass().getSimpleName() + ": " + firstLine(t.getMessage());
            }
        }
        return firstLine(e.getMessage());
    }

    /** {@code FILE[:LINE:COLUMN]: not a kubeconfig: PROBLEM}, with the position of a YAML syntax error. */
    private static String notAKubeconfig(Path kubeconfig, RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYamlEngineException y && y.getProblemMark().isPresent()) {
                Mark at = y.getProblemMark().get();
                return kubeconfig + ":" + (at.getLine() + 1) + ":" + (at.getColumn() + 1) + ": not a kubeconfig: "
                        + y.getProblem();
            }
        }
        return kubeconfig + ": not a kubeconfig: " + firstLine(e.getMessage());
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no details";
        }
        int eol = s.indexOf('\n');
        return (eol < 0 ? s : s.substring(0, eol)).strip();
    }
}
