package io.reachproof.cli.dataplane;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.reachproof.coordinator.lab.PatchingDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/**
 * The Kubernetes API of one lab cluster: fabric8's mock API server in CRUD mode (HTTPS on a free loopback port)
 * holding the cluster's Namespaces, Pods and NetworkPolicies, and a kubeconfig for it, so that
 * {@code kubectl --kubeconfig FILE apply -f policy.yaml}, the coordinator's watch ({@code --kubernetes
 * CLUSTER=FILE}) and the cluster's enforcer all read and write the same objects. A deleted namespace takes its pods and
 * NetworkPolicies with it, as in a real cluster.
 */
public final class LabApiServer implements AutoCloseable {

    /** The mock server logs every request at INFO (java.util.logging): the lab keeps its warnings only. */
    private static final java.util.logging.Logger REQUEST_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    static {
        REQUEST_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private final String cluster;
    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final Path kubeconfig;

    private final SharedIndexInformer<Namespace> namespaceController;

    private LabApiServer(String cluster, KubernetesMockServer server, Path kubeconfig) {
        this.cluster = cluster;
        this.server = server;
        this.client = server.createClient();
        this.kubeconfig = kubeconfig;
        this.namespaceController = client.namespaces().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Namespace ns) {
            }

            @Override
            public void onUpdate(Namespace before, Namespace ns) {
            }

            @Override
            public void onDelete(Namespace ns, boolean unknownFinalState) {
                emptied(ns.getMetadata().getName());
            }
        }, 0);
    }

    /**
     * The namespace controller's part: a deleted namespace's pods and NetworkPolicies are deleted too, as a real
     * cluster's controller manager deletes them (the mock server keeps them otherwise).
     */
    private void emptied(String namespace) {
        try {
            client.pods().inNamespace(namespace).delete();
            client.network().v1().networkPolicies().inNamespace(namespace).delete();
        } catch (RuntimeException e) {
            REQUEST_LOG.warning("lab cluster " + cluster + ": cannot empty deleted namespace " + namespace + ": " + e);
        }
    }

    /** Serves the API of {@code cluster} and writes its kubeconfig to {@code dir/CLUSTER.kubeconfig}. */
    public static LabApiServer start(String cluster, Path dir) {
        requireNonNull(cluster, "cluster");
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new Discovery(responses), true);
        server.init(InetAddress.getLoopbackAddress(), 0);
        try {
            Path file = dir.resolve(cluster + ".kubeconfig");
            String url = "https://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + server.getPort();
            Files.writeString(file, String.join("\n",
                    "# the Kubernetes API of lab cluster " + cluster + " (reachproof lab --dataplane)",
                    "apiVersion: v1",
                    "kind: Config",
                    "clusters: [{name: " + cluster + ", cluster: {server: \"" + url + "\", insecure-skip-tls-verify: true}}]",
                    "users: [{name: lab, user: {token: lab}}]",
                    "contexts: [{name: " + cluster + ", context: {cluster: " + cluster + ", user: lab, namespace: default}}]",
                    "current-context: " + cluster,
                    ""));
            return new LabApiServer(cluster, server, file);
        } catch (IOException e) {
            server.destroy();
            throw new UncheckedIOException("cannot write the kubeconfig of lab cluster " + cluster + ": " + e.getMessage(), e);
        }
    }

    /**
     * The CRUD store with the patches clients send ({@link PatchingDispatcher}: kubectl apply's strategic merge patch,
     * merge patches, server-side apply), plus the API discovery documents clients such as kubectl read first (which
     * groups, versions and resources this server has): the core group's Namespaces and Pods, and networking.k8s.io/v1
     * NetworkPolicies.
     */
    private static final class Discovery extends PatchingDispatcher {
        private static final Map<String, String> DOCUMENTS = Map.of(
                "/version", """
                        {"major": "1", "minor": "32", "gitVersion": "v1.32.0-reachproof-lab", "platform": "linux/amd64"}""",
                "/api", """
                        {"kind": "APIVersions", "versions": ["v1"],
                         "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]}""",
                "/api/v1", """
                        {"kind": "APIResourceList", "groupVersion": "v1", "resources": [
                          {"name": "namespaces", "singularName": "namespace", "namespaced": false, "kind": "Namespace",
                           "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"], "shortNames": ["ns"]},
                          {"name": "pods", "singularName": "pod", "namespaced": true, "kind": "Pod",
                           "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"], "shortNames": ["po"]}]}""",
                "/apis", """
                        {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
                          {"name": "networking.k8s.io", "versions": [{"groupVersion": "networking.k8s.io/v1", "version": "v1"}],
                           "preferredVersion": {"groupVersion": "networking.k8s.io/v1", "version": "v1"}}]}""",
                "/apis/networking.k8s.io/v1", """
                        {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "networking.k8s.io/v1", "resources": [
                          {"name": "networkpolicies", "singularName": "networkpolicy", "namespaced": true,
                           "kind": "NetworkPolicy", "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"],
                           "shortNames": ["netpol"]}]}""");

        Discovery(Map<ServerRequest, Queue<ServerResponse>> responses) {
            super(responses);
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String path = request.getPath();
            int query = path.indexOf('?');
            String document = "GET".equals(request.getMethod()) ? DOCUMENTS.get(query < 0 ? path : path.substring(0, query))
                    : null;
            if (document != null) {
                return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
                        .setBody(document);
            }
            return super.dispatch(request);
        }
    }

    public String cluster() {
        return cluster;
    }

    /** A client of this API server (closed with it). */
    public KubernetesClient client() {
        return client;
    }

    /** The kubeconfig file for this cluster's API. */
    public Path kubeconfig() {
        return kubeconfig;
    }

    /** The API server's URL. */
    public String url() {
        return client.getMasterUrl().toString();
    }

    @Override
    public void close() {
        namespaceController.close();
        client.close();
        server.destroy();
    }
}
