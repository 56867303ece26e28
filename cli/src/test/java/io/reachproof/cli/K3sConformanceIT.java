package io.reachproof.cli;

import static io.reachproof.cli.ExternalCommand.onPath;
import static io.reachproof.cli.ExternalCommand.run;
import static java.util.concurrent.TimeUnit.MINUTES;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * deploy/conformance as a user applies it, against a real cluster: K3s in a container (Testcontainers), whose
 * NetworkPolicies kube-router's controller enforces. The image is built here ({@code scripts/build-image}) and
 * imported into K3s's containerd; the kustomization is built with {@code kubectl kustomize} through an overlay
 * that does what its comments tell users to do (name the cluster, pin the image), and applied with fabric8. The
 * Job's log is the JSON report.
 *
 * <p>Where no container engine exists (this project's own machines have none) the test is skipped and says so;
 * {@code ClusterConformanceIT} runs the same code path against lab clusters with a lab kubelet, and
 * {@link DeployManifestsTest} checks the manifests themselves.
 *
 * <p>Building the image runs Maven again (about 1-2 minutes on two cores); the suite itself a few minutes.
 */
class K3sConformanceIT {

    private static final DockerImageName K3S = DockerImageName.parse("rancher/k3s:v1.31.4-k3s1");
    private static final Path ROOT = ProjectVersion.ROOT;
    private static final Path IMAGE_TAR = ROOT.resolve("cli/target/reachproof-image.tar");
    /** What the image is called in K3s's containerd once imported; the overlay points the Job at it. */
    private static final String IMAGE_NAME = "docker.io/reachproof/reachproof";
    private static final String IMAGE_TAG = "k3s-it";
    private static final String NAMESPACE = "reachproof-conformance";
    private static final String JOB = "reachproof-conformance";
    private static final String RUN_LABEL = "reachproof.io/conformance-run";
    /** Its name starts as the runner's scratch namespaces' do; it carries reachproof's managed-by label, not a run's. */
    private static final String BYSTANDER = "reachproof-conformance-bystander";
    /** A pod that will never start: waiting for the Job would only wait out the deadline. */
    private static final Set<String> STUCK = Set.of("ErrImageNeverPull", "ErrImagePull", "ImagePullBackOff",
            "InvalidImageName", "CreateContainerConfigError", "CreateContainerError", "RunContainerError");
    /**
     * kube-router REJECTs what a policy denies (icmp-port-unreachable; kept on purpose, kube-router#801): the
     * NetworkPolicy specification does not say drop or reject, so "deny as drop" may fail here, and only as a reject.
     */
    private static final String REJECTED = "denied traffic is rejected, not dropped";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theConformanceJobProvesK3sEnforcesPoliciesAndLeavesOnlyWhatItFound(@TempDir Path overlay) throws Exception {
        skipUnless(DockerClientFactory.instance().isDockerAvailable(),
                "no container engine (Docker or Podman socket) on this machine: the K3s conformance test needs one;"
                        + " ClusterConformanceIT runs the same path (scratch namespaces, setns into the pods, probes)"
                        + " against lab clusters with a lab kubelet");
        List<String> missing = Stream.of("jlink", "jdeps", "kubectl").filter(tool -> onPath(tool) == null).toList();
        skipUnless(missing.isEmpty(), "missing on PATH: " + missing + " (scripts/build-image needs a JDK's jlink and"
                + " jdeps, the kustomization is built with kubectl kustomize); the K3s conformance test does not run");
        String rendered = renderTheKustomization(overlay);
        String digest = buildTheImage();

        try (K3sContainer k3s = new K3sContainer(K3S)) {
            k3s.start();
            importTheImage(k3s, digest);
            try (KubernetesClient client = new KubernetesClientBuilder()
                    .withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml())).build()) {
                Namespace bystander = client.resource(new NamespaceBuilder().withNewMetadata().withName(BYSTANDER)
                        .addToLabels("app.kubernetes.io/managed-by", "reachproof").endMetadata().build()).create();
                NetworkPolicy bystanderPolicy = client.resource(new NetworkPolicyBuilder().withNewMetadata()
                        .withNamespace(BYSTANDER).withName("deny-all").endMetadata().withNewSpec().withNewPodSelector()
                        .endPodSelector().withPolicyTypes("Ingress", "Egress").endSpec().build()).create();

                List<HasMetadata> objects = client.load(new ByteArrayInputStream(rendered.getBytes(StandardCharsets.UTF_8)))
                        .items();
                assertThat(objects).extracting(HasMetadata::getKind).containsExactly("Namespace", "ServiceAccount",
                        "ClusterRole", "ClusterRoleBinding", "Job");
                objects.forEach(o -> client.resource(o).create());
                Job job = awaitTheJob(client);
                String log = client.pods().inNamespace(NAMESPACE).withName(jobPod(client).getMetadata().getName()).getLog();
                JsonNode report = report(log);
                Map<String, JsonNode> features = new LinkedHashMap<>();
                report.get("features").forEach(f -> features.put(f.get("feature").asText(), f));
                System.out.printf("conformance on K3s: %s%n", features.values().stream()
                        .map(f -> f.get("feature").asText() + " " + f.get("status").asText()).collect(Collectors.joining(", ")));

                assertThat(report.get("cluster").asText()).isEqualTo("k3s");
                for (String feature : List.of("ingress", "egress", "pod-selector", "namespace-selector", "udp")) {
                    assertThat(features).as("the report has %s:%n%s", feature, log).containsKey(feature);
                    assertThat(features.get(feature).get("status").asText()).as("%s: %s", feature, features.get(feature))
                            .isEqualTo("pass");
                }
                features.forEach((id, f) -> {
                    String status = f.get("status").asText();
                    if (id.equals("deny-drops") && status.equals("fail")) {
                        assertThat(f.get("evidence").asText()).as("%s: %s", id, f).startsWith(REJECTED);
                    } else {
                        assertThat(status).as("%s: %s", id, f).isIn("pass", "not supported");
                    }
                });
                boolean failed = features.values().stream().anyMatch(f -> f.get("status").asText().equals("fail"));
                assertThat(count(job.getStatus().getFailed()) > 0).as("the Job fails (exit 1) iff a feature failed: %s",
                        job.getStatus()).isEqualTo(failed);

                await().atMost(3, MINUTES).pollInterval(2, SECONDS).untilAsserted(() -> assertThat(
                        client.namespaces().withLabel(RUN_LABEL).list().getItems()).as("scratch namespaces left")
                        .extracting(n -> n.getMetadata().getName()).isEmpty());
                Namespace after = client.namespaces().withName(BYSTANDER).get();
                assertThat(after).as("the bystander namespace").isNotNull();
                assertThat(after.getMetadata().getUid()).isEqualTo(bystander.getMetadata().getUid());
                assertThat(after.getMetadata().getDeletionTimestamp()).isNull();
                assertThat(after.getMetadata().getLabels()).isEqualTo(bystander.getMetadata().getLabels());
                assertThat(client.network().v1().networkPolicies().inNamespace(BYSTANDER).list().getItems())
                        .singleElement().satisfies(p -> {
                            assertThat(p.getMetadata().getUid()).isEqualTo(bystanderPolicy.getMetadata().getUid());
                            assertThat(p.getMetadata().getResourceVersion())
                                    .isEqualTo(bystanderPolicy.getMetadata().getResourceVersion());
                        });
            }
        }
    }

    /** Skips the test unless the condition holds, and says why on the console too (the reports alone keep the reason). */
    private static void skipUnless(boolean condition, String reason) {
        if (!condition) {
            System.out.println("K3sConformanceIT skipped: " + reason);
        }
        assumeTrue(condition, reason);
    }

    /** scripts/build-image: the OCI archive at cli/target/reachproof-image.tar; returns its manifest digest. */
    private static String buildTheImage() throws IOException, InterruptedException {
        ExternalCommand.Result build = run(Duration.ofMinutes(10), ROOT.resolve("scripts/build-image").toString());
        assertThat(build.code()).as("scripts/build-image:\n%s", build.output()).isZero();
        Matcher printed = Pattern.compile("(?m)^digest: (sha256:[0-9a-f]{64})$").matcher(build.output());
        assertThat(printed.find()).as("scripts/build-image prints the digest:\n%s", build.output()).isTrue();
        return printed.group(1);
    }

    /**
     * Imports the archive into the CRI's containerd namespace and names it {@link #IMAGE_NAME}:{@link #IMAGE_TAG}. The
     * archive's own name (reachproof/reachproof:VERSION, unqualified) is not what the kubelet asks for, so the
     * import also names the image by digest, and that one is tagged.
     */
    private static void importTheImage(K3sContainer k3s, String digest) throws IOException, InterruptedException {
        k3s.copyFileToContainer(MountableFile.forHostPath(IMAGE_TAR), "/tmp/reachproof-image.tar");
        ExecResult imported = k3s.execInContainer("k3s", "ctr", "-n", "k8s.io", "images", "import", "--digests",
                "/tmp/reachproof-image.tar");
        assertThat(imported.getExitCode()).as("ctr images import: %s%s", imported.getStdout(), imported.getStderr()).isZero();
        ExecResult listed = k3s.execInContainer("k3s", "ctr", "-n", "k8s.io", "images", "ls");
        String ref = listed.getStdout().lines().filter(l -> l.contains(digest)).map(l -> l.split("\\s+")[0]).findFirst()
                .orElseThrow(() -> new AssertionError("no image " + digest + " after the import:\n" + listed.getStdout()));
        ExecResult tagged = k3s.execInContainer("k3s", "ctr", "-n", "k8s.io", "images", "tag", "--force", ref,
                IMAGE_NAME + ":" + IMAGE_TAG);
        assertThat(tagged.getExitCode()).as("ctr images tag: %s%s", tagged.getStdout(), tagged.getStderr()).isZero();
    }

    /**
     * deploy/conformance through an overlay of the kind its comments show: the cluster named k3s, the report as
     * JSON, the imported image (never pulled: there is no registry to pull it from).
     */
    private static String renderTheKustomization(Path overlay) throws Exception {
        String base = overlay.relativize(ROOT.resolve("deploy/conformance").toAbsolutePath()).toString();
        Files.writeString(overlay.resolve("kustomization.yaml"), String.join("\n",
                "apiVersion: kustomize.config.k8s.io/v1beta1",
                "kind: Kustomization",
                "resources: [" + base + "]",
                "images:",
                "  - {name: reachproof/reachproof, newName: " + IMAGE_NAME + ", newTag: " + IMAGE_TAG + "}",
                "patches:",
                "  - target: {group: batch, version: v1, kind: Job, name: " + JOB + "}",
                "    patch: |-",
                "      - {op: replace, path: /spec/template/spec/containers/0/args/2, value: k3s}",
                "      - {op: replace, path: /spec/template/spec/containers/0/args/5, value: json}",
                "      - {op: add, path: /spec/template/spec/containers/0/imagePullPolicy, value: Never}",
                ""));
        return DeployManifestsTest.kustomize(overlay, "deploy/conformance for K3s");
    }

    /** Waits for the Job to succeed or fail (the report is in the log either way); fails early on a pod that cannot start. */
    private static Job awaitTheJob(KubernetesClient client) {
        try {
            await().atMost(10, MINUTES).pollInterval(5, SECONDS).until(() -> {
                Job job = client.batch().v1().jobs().inNamespace(NAMESPACE).withName(JOB).get();
                if (job.getStatus() != null && (count(job.getStatus().getSucceeded()) + count(job.getStatus().getFailed())) > 0) {
                    return true;
                }
                return client.pods().inNamespace(NAMESPACE).withLabel("job-name", JOB).list().getItems().stream()
                        .filter(p -> p.getStatus() != null && p.getStatus().getContainerStatuses() != null)
                        .flatMap(p -> p.getStatus().getContainerStatuses().stream())
                        .anyMatch(c -> c.getState().getWaiting() != null && STUCK.contains(c.getState().getWaiting().getReason()));
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the conformance Job did not finish in 10 minutes: " + diagnosis(client), e);
        }
        Job job = client.batch().v1().jobs().inNamespace(NAMESPACE).withName(JOB).get();
        assertThat(count(job.getStatus().getSucceeded()) + count(job.getStatus().getFailed()))
                .as("the conformance Job finished: %s", diagnosis(client)).isPositive();
        return job;
    }

    private static Pod jobPod(KubernetesClient client) {
        List<Pod> pods = client.pods().inNamespace(NAMESPACE).withLabel("job-name", JOB).list().getItems();
        assertThat(pods).as("backoffLimit 0: one pod").hasSize(1);
        return pods.get(0);
    }

    private static String diagnosis(KubernetesClient client) {
        StringBuilder b = new StringBuilder();
        b.append("\njob status: ").append(client.batch().v1().jobs().inNamespace(NAMESPACE).withName(JOB).get().getStatus());
        for (Pod pod : client.pods().inNamespace(NAMESPACE).withLabel("job-name", JOB).list().getItems()) {
            b.append("\npod ").append(pod.getMetadata().getName()).append(": ").append(pod.getStatus());
            try {
                b.append("\nlog:\n").append(client.pods().inNamespace(NAMESPACE).withName(pod.getMetadata().getName()).getLog());
            } catch (RuntimeException e) {
                b.append("\nno log: ").append(e.getMessage());
            }
        }
        return b.toString();
    }

    /** The JSON report from the pod's log, where the runner's stderr (progress, warnings) comes before it. */
    private static JsonNode report(String log) throws IOException {
        Matcher start = Pattern.compile("(?m)^\\{$").matcher(log);
        assertThat(start.find()).as("a JSON report in the log:%n%s", log).isTrue();
        JsonNode report = JSON.readTree(log.substring(start.start()));
        assertThat(report.has("features")).as("the report has features:%n%s", log).isTrue();
        return report;
    }

    private static int count(Integer n) {
        return n == null ? 0 : n;
    }
}
