package io.reachproof.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes the input of {@code scripts/bench-check} to a directory: the benchmark network of {@link PolicyEngineBenchmark}
 * (2,000 pods in 50 namespaces, 300 policies, 2 ports) as {@code topology.json} and {@code before/policies.json}; a
 * change of it as {@code after/policies.json} (10 policies removed, 10 opened to their whole namespace); and
 * {@code expectations.yaml}, promises between the apps.
 */
public final class BenchFiles {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setDefaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_EMPTY, JsonInclude.Include.NON_EMPTY));
    static final String[] APPS = {"web", "api", "db", "cache", "queue", "auth", "search", "mail"};

    private BenchFiles() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        RandomNetwork.Network network = RandomNetwork.large(42, PolicyEngineBenchmark.NAMESPACES, PolicyEngineBenchmark.PODS,
                PolicyEngineBenchmark.POLICIES);
        Files.createDirectories(dir.resolve("before"));
        Files.createDirectories(dir.resolve("after"));
        List<HasMetadata> topology = new ArrayList<>(network.namespaces());
        topology.addAll(network.pods());
        write(dir.resolve("topology.json"), topology);
        write(dir.resolve("before/policies.json"), new ArrayList<>(network.policies()));
        List<HasMetadata> after = new ArrayList<>();
        for (int i = 0; i < network.policies().size(); i++) {
            NetworkPolicy p = network.policies().get(i);
            if (i < 10) {
                continue;
            }
            if (i < 20) {
                p = new NetworkPolicyBuilder(p).editSpec().withIngress(List.of()).addNewIngress().addNewFrom()
                        .withNewPodSelector().endPodSelector().endFrom().endIngress().endSpec().build();
            }
            after.add(p);
        }
        write(dir.resolve("after/policies.json"), after);
        StringBuilder expectations = new StringBuilder("""
                apiVersion: reachproof.io/v1alpha1
                kind: ConnectivityExpectation
                metadata: {name: bench}
                spec:
                  groups:
                """);
        for (String app : APPS) {
            expectations.append("    ").append(app).append(": {podSelector: {matchLabels: {app: ").append(app).append("}}}\n");
        }
        expectations.append("""
                  expect:
                  - {from: web, to: api, ports: ["8080/TCP"], verdict: allow}
                  - {from: api, to: db, ports: ["9090/TCP"], verdict: allow}
                  - {from: web, to: db, ports: ["8080/TCP", "9090/TCP"], verdict: deny}
                  - {from: "*", to: auth, ports: ["8080/TCP"], verdict: allow}
                  - {from: mail, to: search, ports: ["9090/TCP"], verdict: deny}
                  - {from: queue, to: nothing-here, ports: ["8080/TCP"], verdict: deny}
                    # (nothing-here selects no pod: a warning)
                """.replace("    # (nothing-here selects no pod: a warning)\n", ""));
        expectations.insert(expectations.indexOf("  expect:"), "    nothing-here: {podSelector: {matchLabels: {app: none}}}\n");
        Files.writeString(dir.resolve("expectations.yaml"), expectations.toString());
    }

    private static void write(Path file, List<HasMetadata> items) throws IOException {
        MAPPER.writeValue(file.toFile(), Map.of("apiVersion", "v1", "kind", "List", "items", items));
    }
}
