package io.reachproof.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.reachproof.cli.dataplane.Shell;
import io.reachproof.coordinator.kube.KubernetesClients;
import io.reachproof.coordinator.kube.KubernetesEventSink;
import io.reachproof.protocol.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;

/**
 * The dataplane lab's figures ({@code scripts/bench-lab}): from start to the first complete round, from a policy
 * applied through a lab cluster's API to the rollback signal (a Kubernetes Event there) and from its delete to the
 * resolved signal (median and max over N applies), and the lab process's memory, with 3 clusters x 2 nodes x
 * PODS pods.
 */
public final class LabBench {

    private LabBench() {
    }

    public static void main(String[] args) throws Exception {
        int podsPerCluster = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int applies = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        if (Shell.whyNoDataplane().isPresent()) {
            System.err.println("bench-lab: the dataplane lab " + Shell.whyNoDataplane().get());
            System.exit(2);
        }
        Path dir = Files.createTempDirectory("reachproof-bench-lab");
        StringBuilder topology = new StringBuilder("apiVersion: v1\nkind: List\nitems:\n"
                + "- {apiVersion: v1, kind: Namespace, metadata: {name: shop}}\n"
                + "- {apiVersion: v1, kind: Namespace, metadata: {name: payments}}\n");
        for (int i = 0; i < podsPerCluster; i++) {
            boolean front = i % 2 == 0;
            topology.append("- apiVersion: v1\n  kind: Pod\n  metadata: {name: ").append(front ? "frontend-" : "payments-")
                    .append(i).append(", namespace: ").append(front ? "shop" : "payments").append(", labels: {app: ")
                    .append(front ? "frontend" : "payments").append("}}\n  spec: {containers: [{name: c, image: c, ports:"
                    + " [{containerPort: ").append(front ? 8080 : 7001).append("}]}]}\n");
        }
        Files.writeString(dir.resolve("topology.yaml"), topology);
        Files.writeString(dir.resolve("small.yaml"), """
                apiVersion: reachproof.io/v1alpha1
                kind: ConnectivityExpectation
                metadata: {name: bench}
                spec:
                  interval: 30s
                  groups:
                    frontend: {namespace: shop, podSelector: {matchLabels: {app: frontend}}}
                    payments: {namespace: payments, podSelector: {matchLabels: {app: payments}}}
                  expect:
                    - {from: frontend, to: payments, ports: ["7001/TCP"], verdict: deny, clusters: same}
                """);
        Files.writeString(dir.resolve("deny.yaml"), """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: default-deny-ingress, namespace: payments}
                spec: {podSelector: {}, policyTypes: [Ingress]}
                """);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // the clusters enforce the specification: the figures time the coordinator and the enforcer, not a CNI's lag
        Files.writeString(dir.resolve("clusters.yaml"), "clusters:\n- {name: aws-lab, profile: reference}\n"
                + "- {name: azure-lab, profile: reference}\n- {name: gcp-lab, profile: reference}\n");
        LabCommand lab = new LabCommand();
        CommandLine cmd = new CommandLine(lab);
        long started = System.nanoTime();
        int finalPort = port;
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cmd.execute("--dataplane", "--netns-prefix",
                "rpbench", "--lab-dir", dir.toString(), "--port", String.valueOf(finalPort), "--duration", "30m", "--topology",
                dir.resolve("topology.yaml").toString(), "--expectations", dir.resolve("small.yaml").toString(),
                "--policies", dir.resolve("deny.yaml").toString(), "--clusters", dir.resolve("clusters.yaml").toString()));
        HttpClient http = HttpClient.newHttpClient();
        URI latest = URI.create("http://127.0.0.1:" + port + "/v1/rounds/latest?expectation=bench");
        waitFor(() -> {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(latest).build(), HttpResponse.BodyHandlers.ofString());
                JsonNode report = r.statusCode() == 200 ? Json.mapper().readTree(r.body()) : null;
                return report != null && report.get("complete").asBoolean() && report.get("coverage").asDouble() == 1.0;
            } catch (IOException notYet) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, 300_000);
        double firstRound = (System.nanoTime() - started) / 1e9;
        long rss = rssKb();
        List<Long> toSignal = new ArrayList<>();
        List<Long> toResolved = new ArrayList<>();
        List<String> timeToEnforce = new ArrayList<>();
        try (KubernetesClient aws = KubernetesClients.connect(dir.resolve("aws-lab.kubeconfig"), null)) {
            NetworkPolicy open = new NetworkPolicyBuilder().withNewMetadata().withName("payments-from-anywhere")
                    .withNamespace("payments").endMetadata().withNewSpec().withNewPodSelector().endPodSelector()
                    .addNewIngress().endIngress().endSpec().build();
            for (int i = 0; i < applies; i++) {
                long fired = events(aws, KubernetesEventSink.REASON);
                long t0 = System.nanoTime();
                aws.network().v1().networkPolicies().inNamespace("payments").resource(open).create();
                waitFor(() -> events(aws, KubernetesEventSink.REASON) > fired, 60_000);
                toSignal.add((System.nanoTime() - t0) / 1_000_000);
                long resolved = events(aws, KubernetesEventSink.RESOLVED_REASON);
                long t1 = System.nanoTime();
                aws.network().v1().networkPolicies().inNamespace("payments").withName("payments-from-anywhere").delete();
                waitFor(() -> events(aws, KubernetesEventSink.RESOLVED_REASON) > resolved, 60_000);
                toResolved.add((System.nanoTime() - t1) / 1_000_000);
            }
            // what the dashboards' time-to-enforce panels read: the coordinator's histogram, from /metrics
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            metrics.body().lines().filter(l -> l.startsWith("reachproof_time_to_enforce_seconds_count")
                    || l.startsWith("reachproof_time_to_enforce_seconds_sum")).forEach(l -> timeToEnforce.add(l));
        } finally {
            lab.stop.countDown();
            exit.join();
        }
        System.out.printf("dataplane lab: 3 clusters x 2 nodes x %d pods, %d node agents in workload mode%n", podsPerCluster, 6);
        System.out.printf("lab start to first complete round        %8.1f s%n", firstRound);
        System.out.printf("policy apply -> mismatch signal (Event)  median %5d ms  max %5d ms  (%d applies)%n",
                median(toSignal), Collections.max(toSignal), applies);
        System.out.printf("policy delete -> resolved signal (Event) median %5d ms  max %5d ms%n", median(toResolved),
                Collections.max(toResolved));
        System.out.printf("lab process RSS after the first round    %8d MB (coordinator, 3 API servers, 3 enforcers,"
                + " 6 agents, %d pod apps)%n", rss / 1024, 3 * podsPerCluster);
        System.out.println("time-to-enforce histogram on /metrics: " + (timeToEnforce.isEmpty() ? "no data"
                : String.join("  ", timeToEnforce)));
        System.exit(0);
    }

    private static long events(KubernetesClient client, String reason) {
        return client.events().v1().events().inAnyNamespace().list().getItems().stream()
                .filter(e -> reason.equals(e.getReason())).count();
    }

    private static void waitFor(BooleanSupplier done, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                throw new IllegalStateException("not within " + millis + " ms");
            }
            Thread.sleep(20);
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
