package io.reachproof.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyInputReaderTest {

    @Test
    void readsMultiDocumentYamlAndNestedListsAndSkipsOtherKinds() {
        PolicyInputReader.Result result = PolicyInputReader.readString("dump.yaml", """
                apiVersion: v1
                kind: List
                items:
                - apiVersion: v1
                  kind: Namespace
                  metadata: {name: shop}
                - apiVersion: v1
                  kind: PodList
                  items:
                  - apiVersion: v1
                    kind: Pod
                    metadata: {name: web, namespace: shop}
                - apiVersion: apps/v1
                  kind: Deployment
                  metadata: {name: web, namespace: shop}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: deny-all, namespace: shop}
                spec: {podSelector: {}}
                ---
                """);

        assertThat(result.errors()).isEmpty();
        assertThat(result.input().namespaces()).extracting(n -> n.object().getMetadata().getName()).containsExactly("shop");
        assertThat(result.input().pods()).extracting(p -> p.positions().root().toString()).containsExactly("dump.yaml:10:5");
        assertThat(result.input().policies()).extracting(p -> p.positions().root().fileLine()).containsExactly("dump.yaml:17");
        assertThat(result.input().skipped()).containsExactly(
                "dump.yaml:13: skipped apps/v1 Deployment shop/web (no spec.template: no pods to stand for)");
    }

    @Test
    void readsJson() {
        PolicyInputReader.Result result = PolicyInputReader.readString("pod.json", """
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "namespace": "x"},
                 "spec": {"containers": [{"name": "c", "ports": [{"containerPort": 80}]}]}}
                """);

        assertThat(result.errors()).isEmpty();
        assertThat(result.input().pods().get(0).object().getSpec().getContainers().get(0).getPorts().get(0).getContainerPort())
                .isEqualTo(80);
    }

    @Test
    void readsDirectoriesRecursivelyInNameOrderAndTheSameFileOnce(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("b/nested"));
        Files.writeString(dir.resolve("b/nested/2.yml"), namespace("two"));
        Files.writeString(dir.resolve("a.json"), "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"one\"}}");
        Files.writeString(dir.resolve("c.yaml"), namespace("three"));
        Files.writeString(dir.resolve("notes.txt"), "not read");

        PolicyInputReader.Result result = PolicyInputReader.read(List.of(dir, dir.resolve("c.yaml")));

        assertThat(result.errors()).isEmpty();
        assertThat(result.input().namespaces()).extracting(n -> n.object().getMetadata().getName())
                .containsExactly("one", "two", "three");
    }

    @Test
    void aMissingPathIsAnError(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");

        assertThat(PolicyInputReader.read(List.of(missing)).errors()).containsExactly(missing + ": no such file or directory");
    }

    @Test
    void invalidYamlDuplicateKeysAndNonObjectsAreErrorsWithPositions() {
        PolicyInputReader.Result result = PolicyInputReader.readString("bad.yaml", """
                apiVersion: v1
                kind: Namespace
                metadata: {name: one}
                metadata: {name: two}
                ---
                - just a list
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: a, namespace: x}
                spec:
                  containers:
                  - name: c
                    ports: [{containerPort: [80]}]
                ---
                key: [unclosed
                """);

        assertThat(result.errors()).containsExactly(
                "bad.yaml:4:1: duplicate key metadata",
                "bad.yaml:6:1: expected a Kubernetes object (a mapping), found a sequence",
                "bad.yaml:14:29: Pod x/a: spec.containers[0].ports[0].containerPort: cannot read:"
                        + " Cannot deserialize value of type `java.lang.Integer` from Array value (token `JsonToken.START_ARRAY`)",
                "bad.yaml:17:1: invalid YAML: expected ',' or ']', but got <stream end>");
    }

    @Test
    void anAliasBombIsAProblemNotMinutesOfWorkAndGigabytes() {
        StringBuilder yaml = new StringBuilder(namespace("bomb")).append("  labels:\n    a0: &a0 [x, x]\n");
        for (int i = 1; i < 24; i++) {
            yaml.append("    a").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append(", *a").append(i - 1).append("]\n");
        }

        assertThat(PolicyInputReader.readString("bomb.yaml", yaml.toString()).errors()).containsExactly(
                "bomb.yaml:19:10: aliases of the anchor &a13 expand the document by more than 100000 nodes (the limit)");
    }

    @Test
    void deepNestingIsAProblemNotAStackOverflow() {
        assertThat(PolicyInputReader.readString("deep.yaml", namespace("[".repeat(2000))).errors()).containsExactly(
                "deep.yaml:4:107: lists and mappings nest more than 100 levels deep (the limit)");
    }

    private static String namespace(String name) {
        return "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + name + "\n";
    }

    @Test
    void workloadManifestsStandForTheirPodsUnlessThosePodsAreInTheTopology() {
        PolicyInputReader.Result result = PolicyInputReader.readString("manifests.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec:
                  replicas: 3
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web, tier: front}}
                    spec:
                      containers:
                      - name: web
                        image: web:1
                        env: [{name: TOKEN, value: secret}]
                        ports: [{containerPort: 8080, name: http}]
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: db, namespace: shop}
                spec:
                  selector: {matchLabels: {app: db}}
                  template:
                    metadata: {labels: {app: db}}
                    spec: {containers: [{name: db, ports: [{containerPort: 5432}]}]}
                ---
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: agent, namespace: ops}
                spec:
                  selector: {matchLabels: {app: agent}}
                  template:
                    metadata: {labels: {app: agent}}
                    spec: {containers: [{name: agent, ports: [{containerPort: 9100, protocol: UDP}]}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: agent-x7k2p, namespace: ops, labels: {app: agent}}
                spec: {containers: [{name: agent, ports: [{containerPort: 9100, protocol: UDP}]}]}
                """);

        assertThat(result.errors()).isEmpty();
        assertThat(result.input().pods()).extracting(p -> p.object().getMetadata().getNamespace() + "/"
                + p.object().getMetadata().getName() + " " + p.object().getMetadata().getLabels())
                .containsExactly("ops/agent-x7k2p {app=agent}", "shop/web {app=web, tier=front}", "shop/db {app=db}");
        assertThat(result.input().pods().get(1).positions().of("spec.containers[0].ports[0].name").toString())
                .isEqualTo("manifests.yaml:14:45");
        assertThat(result.input().skipped()).containsExactly(
                "manifests.yaml:25: skipped apps/v1 DaemonSet ops/agent (its pods are in the topology)");
        PolicyEngine.Result table = PolicyEngine.compile(result.input());
        assertThat(table.errors()).isEmpty();
        assertThat(table.table().orElseThrow().ports(table.table().orElseThrow().indexOf("shop/web").getAsInt()))
                .extracting(PodPort::label).containsExactly("8080/TCP");
    }

    @Test
    void aWorkloadTemplateWithALabelTheApiServerWouldRejectIsAnErrorAtItsPlace() {
        PolicyInputReader.Result result = PolicyInputReader.readString("manifests.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec:
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: "web app"}}
                    spec: {containers: [{name: web}]}
                """);

        assertThat(PolicyEngine.compile(result.input(), result.errors()).errors()).containsExactly(
                "manifests.yaml:7:30: Pod shop/web: metadata.labels.app: invalid label value \"web app\": at most 63"
                        + " letters, digits, '-', '_' or '.', starting and ending with a letter or digit (or empty)");
    }
}
