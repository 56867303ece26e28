package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.reachproof.coordinator.assembly.Coordinator;
import io.reachproof.coordinator.assembly.CoordinatorConfig;
import io.reachproof.coordinator.api.GateRoute;
import io.reachproof.coordinator.kube.LeaderElectionSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import picocli.CommandLine;

/** Every manifest under deploy/ parses, refers to files that exist, and calls the gate where it is served. */
class DeployManifestsTest {

    private static final Path DEPLOY = Path.of(System.getProperty("user.dir")).getParent().resolve("deploy");

    private static List<Path> yamlFiles() throws IOException {
        try (Stream<Path> files = Files.walk(DEPLOY)) {
            return files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted()
                    .toList();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> docs(Path file) throws IOException {
        Load load = new Load(LoadSettings.builder().setAllowDuplicateKeys(false).setLabel(file.toString()).build());
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : load.loadAllFromString(Files.readString(file))) {
            assertThat(doc).as("a document of %s", file).isInstanceOf(Map.class);
            docs.add((Map<String, Object>) doc);
        }
        return docs;
    }

    private static Map<String, Object> only(String relative, String kind) throws IOException {
        return docs(DEPLOY.resolve(relative)).stream().filter(d -> kind.equals(d.get("kind"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " in " + relative));
    }

    @SuppressWarnings("unchecked")
    private static Object at(Object node, String... path) {
        Object n = node;
        for (String key : path) {
            n = key.matches("\\d+") ? ((List<Object>) n).get(Integer.parseInt(key)) : ((Map<String, Object>) n).get(key);
        }
        return n;
    }

    /** Where the gate is served in a cluster: the coordinator's Service, namespace and port, plus the route. */
    private static String gateUrl() throws IOException {
        Map<String, Object> service = only("daemonset/coordinator/coordinator.yaml", "Service");
        String namespace = (String) docs(DEPLOY.resolve("daemonset/base/kustomization.yaml")).get(0).get("namespace");
        return "http://" + at(service, "metadata", "name") + "." + namespace + ".svc:"
                + at(service, "spec", "ports", "0", "port") + GateRoute.PATH;
    }

    @Test
    void everyYamlFileParsesAndEveryKubernetesDocumentHasApiVersionAndKind() throws IOException {
        List<Path> files = yamlFiles();

        assertThat(files).hasSizeGreaterThanOrEqualTo(14);
        for (Path file : files) {
            for (Map<String, Object> doc : docs(file)) {
                if (file.startsWith(DEPLOY.resolve("ci")) || file.startsWith(DEPLOY.resolve("daemonset/coordinator/expectations"))
                        || file.endsWith("coordinator.example.yaml")) {
                    continue;
                }
                assertThat(doc).as("%s", file).containsKeys("apiVersion", "kind");
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyKustomizationRefersToFilesThatExist() throws IOException {
        List<Path> kustomizations = yamlFiles().stream().filter(p -> p.getFileName().toString().equals("kustomization.yaml"))
                .toList();

        assertThat(kustomizations).extracting(p -> DEPLOY.relativize(p.getParent()).toString()).containsExactlyInAnyOrder(
                "daemonset/base", "daemonset/coordinator", "daemonset/overlays/aws", "daemonset/overlays/azure",
                "daemonset/overlays/gcp", "daemonset/overlays/onprem", "daemonset/remote-access",
                "daemonset/token-review", "daemonset/workload-mode", "daemonset/rollback", "daemonset/rollback/role",
                "daemonset/rollback/namespaces/shop", "daemonset/rollback/namespaces/payments", "conformance");
        for (Path k : kustomizations) {
            Map<String, Object> doc = docs(k).get(0);
            List<String> refs = new ArrayList<>();
            refs.addAll((List<String>) doc.getOrDefault("resources", List.of()));
            refs.addAll((List<String>) doc.getOrDefault("components", List.of()));
            for (Map<String, Object> gen : (List<Map<String, Object>>) doc.getOrDefault("configMapGenerator", List.of())) {
                refs.addAll((List<String>) gen.getOrDefault("files", List.of()));
            }
            assertThat(refs).as("%s refers to something", k).isNotEmpty();
            for (String ref : refs) {
                Path target = k.getParent().resolve(ref).normalize();
                assertThat(target).as("%s refers to %s", k, ref).exists();
                if (Files.isDirectory(target)) {
                    assertThat(target.resolve("kustomization.yaml")).as("%s refers to %s", k, ref).exists();
                }
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theTokenReviewComponentProjectsATokenForTheAudienceTheCoordinatorChecksAndTheAgentReadsIt() throws IOException {
        Map<String, Object> patch = docs(DEPLOY.resolve("daemonset/token-review/agent-token.yaml")).get(0);
        Map<String, Object> source = (Map<String, Object>) at(patch, "spec", "template", "spec", "volumes", "0", "projected",
                "sources", "0", "serviceAccountToken");
        List<Map<String, Object>> env = (List<Map<String, Object>>) at(patch, "spec", "template", "spec", "containers", "0",
                "env");
        String mount = (String) at(patch, "spec", "template", "spec", "containers", "0", "volumeMounts", "0", "mountPath");

        assertThat(source.get("audience")).isEqualTo(io.reachproof.coordinator.assembly.AgentAuthSettings.DEFAULT_AUDIENCE);
        assertThat(env).anySatisfy(e -> {
            assertThat(e.get("name")).isEqualTo("REACHPROOF_TOKEN_FILE");
            assertThat(e.get("value")).isEqualTo(mount + "/" + source.get("path"));
        });
        assertThat(env).anySatisfy(e -> assertThat(e).containsEntry("name", "REACHPROOF_TOKEN").containsEntry("$patch", "delete"));
        Map<String, Object> role = docs(DEPLOY.resolve("daemonset/token-review/rbac.yaml")).get(0);
        assertThat((List<Object>) at(role, "rules")).singleElement().satisfies(r -> assertThat((Map<String, Object>) r)
                .containsEntry("resources", List.of("tokenreviews")).containsEntry("verbs", List.of("create")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theWorkloadModeComponentAddsExactlyWhatEnteringPodNamespacesNeeds() throws IOException {
        Map<String, Object> patch = docs(DEPLOY.resolve("daemonset/workload-mode/agent-workload-mode.yaml")).get(0);
        Map<String, Object> security = (Map<String, Object>) at(patch, "spec", "template", "spec", "containers", "0",
                "securityContext");
        List<Map<String, Object>> env = (List<Map<String, Object>>) at(patch, "spec", "template", "spec", "containers", "0",
                "env");

        assertThat(at(patch, "spec", "template", "spec", "hostPID")).isEqualTo(true);
        assertThat((List<String>) at(security, "capabilities", "add")).containsExactlyInAnyOrder("SYS_ADMIN", "SYS_PTRACE");
        assertThat((List<String>) at(security, "capabilities", "drop")).containsExactly("ALL");
        assertThat(security).containsEntry("readOnlyRootFilesystem", true).containsEntry("allowPrivilegeEscalation", false);
        assertThat(env).anySatisfy(e -> assertThat(e).containsEntry("name", "REACHPROOF_WORKLOAD_MODE")
                .containsEntry("value", "true"));
        Map<String, Object> ns = docs(DEPLOY.resolve("daemonset/workload-mode/namespace-privileged.yaml")).get(0);
        assertThat(at(ns, "metadata", "labels", "pod-security.kubernetes.io/enforce")).isEqualTo("privileged");
        // the coordinator watching this cluster from another reads its pods (it plans them); the agents read nothing
        List<Map<String, Object>> rbac = docs(DEPLOY.resolve("daemonset/workload-mode/coordinator-reads-pods.yaml"));
        assertThat((List<Object>) at(rbac.get(0), "rules")).singleElement().satisfies(r -> assertThat((Map<String, Object>) r)
                .containsEntry("resources", List.of("namespaces", "pods")).containsEntry("verbs", List.of("get", "list", "watch")));
        assertThat(at(rbac.get(1), "subjects", "0", "name")).isEqualTo("reachproof-coordinator-remote");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyManifestRunsTheReleasedImageAndEveryOverlayPinsIt() throws IOException {
        String release = ProjectVersion.release();
        for (Path f : yamlFiles()) {
            for (String line : Files.readAllLines(f)) {
                if (line.trim().startsWith("image: ")) {
                    assertThat(line.trim()).as(f.toString()).isEqualTo("image: reachproof/reachproof:" + release);
                }
            }
        }
        for (String cloud : List.of("aws", "azure", "gcp", "onprem")) {
            Map<String, Object> doc = docs(DEPLOY.resolve("daemonset/overlays/" + cloud + "/kustomization.yaml")).get(0);
            assertThat(at(doc, "images", "0", "name")).isEqualTo("reachproof/reachproof");
            assertThat(at(doc, "images", "0", "newTag")).as(cloud).isEqualTo(release);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyCloudOverlayNamesItsClusterCloudAndRegion() throws IOException {
        for (String cloud : List.of("aws", "azure", "gcp", "onprem")) {
            Map<String, Object> doc = docs(DEPLOY.resolve("daemonset/overlays/" + cloud + "/kustomization.yaml")).get(0);
            List<String> literals = (List<String>) at(doc, "configMapGenerator", "0", "literals");
            assertThat(at(doc, "configMapGenerator", "0", "behavior")).isEqualTo("merge");
            assertThat(literals).contains("REACHPROOF_CLOUD=" + cloud).anyMatch(l -> l.startsWith("REACHPROOF_CLUSTER="))
                    .anyMatch(l -> l.startsWith("REACHPROOF_REGION="));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theAgentGetsItsIdentityFromTheDownwardApi() throws IOException {
        Map<String, Object> ds = only("daemonset/base/agent.yaml", "DaemonSet");
        List<Map<String, Object>> env = (List<Map<String, Object>>) at(ds, "spec", "template", "spec", "containers", "0", "env");
        Map<String, Object> fieldPaths = new java.util.LinkedHashMap<>();
        env.stream().filter(e -> at(e, "valueFrom") != null && ((Map<String, Object>) e.get("valueFrom")).containsKey("fieldRef"))
                .forEach(e -> fieldPaths.put((String) e.get("name"), at(e, "valueFrom", "fieldRef", "fieldPath")));

        assertThat(fieldPaths).containsExactly(Map.entry("POD_NAME", "metadata.name"),
                Map.entry("POD_NAMESPACE", "metadata.namespace"), Map.entry("NODE_NAME", "spec.nodeName"),
                Map.entry("POD_IP", "status.podIP"));
        assertThat((List<Object>) at(ds, "spec", "template", "spec", "containers", "0", "args")).containsExactly("agent");
        Map<String, Object> base = docs(DEPLOY.resolve("daemonset/base/kustomization.yaml")).get(0);
        List<String> agentKeys = new ArrayList<>(List.of("REACHPROOF_COORDINATOR", "REACHPROOF_TOKEN", "REACHPROOF_SPOOL"));
        for (io.reachproof.agent.AgentConfig.Key k : io.reachproof.agent.AgentConfig.Key.values()) {
            agentKeys.add(k.env());
        }
        assertThat((List<String>) at(base, "configMapGenerator", "0", "literals"))
                .allSatisfy(l -> assertThat(agentKeys).contains(l.substring(0, l.indexOf('='))));
        assertThat(env).allSatisfy(e -> assertThat(agentKeys).contains((String) e.get("name")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void twoCoordinatorReplicasElectALeaderAndOnlyTheLeaderIsReady() throws IOException {
        Map<String, Object> deployment = only("daemonset/coordinator/coordinator.yaml", "Deployment");
        Map<String, Object> container = (Map<String, Object>) at(deployment, "spec", "template", "spec", "containers", "0");
        Path example = DEPLOY.resolve("daemonset/coordinator/coordinator.example.yaml");
        Map<String, Object> role = only("daemonset/coordinator/rbac.yaml", "Role");

        assertThat(at(deployment, "spec", "replicas")).isEqualTo(2);
        assertThat(at(deployment, "spec", "strategy", "type")).isEqualTo("Recreate");
        assertThat(at(container, "readinessProbe", "httpGet", "path")).isEqualTo(Coordinator.READY_PATH);
        assertThat(at(container, "readinessProbe", "httpGet", "port")).isEqualTo("http");
        assertThat((List<Map<String, Object>>) container.get("env"))
                .anySatisfy(e -> assertThat(e).isEqualTo(Map.of("name", "POD_NAME",
                        "valueFrom", Map.of("fieldRef", Map.of("fieldPath", "metadata.name")))));
        assertThat(CoordinatorConfig.read(example).leaderElection()).contains(LeaderElectionSettings.defaults());
        assertThat(at(role, "rules", "0", "apiGroups")).isEqualTo(List.of("coordination.k8s.io"));
        assertThat(at(role, "rules", "0", "resources")).isEqualTo(List.of("leases"));
        assertThat((List<String>) at(role, "rules", "0", "verbs")).contains("get", "create", "update", "patch");
        assertThat(at(only("daemonset/coordinator/rbac.yaml", "RoleBinding"), "roleRef", "name"))
                .isEqualTo(at(role, "metadata", "name"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theProofRecordIsWrittenWhereTheReadOnlyPodMayWrite() throws IOException {
        Map<String, Object> deployment = only("daemonset/coordinator/coordinator.yaml", "Deployment");
        Map<String, Object> pod = (Map<String, Object>) at(deployment, "spec", "template", "spec");
        Map<String, Object> container = (Map<String, Object>) at(pod, "containers", "0");
        String url = CoordinatorConfig.read(DEPLOY.resolve("daemonset/coordinator/coordinator.example.yaml")).store().url();

        assertThat(at(container, "securityContext", "readOnlyRootFilesystem")).isEqualTo(true);
        assertThat(url).startsWith("jdbc:h2:file:/var/lib/reachproof/");
        Map<String, Object> mount = ((List<Map<String, Object>>) container.get("volumeMounts")).stream()
                .filter(m -> url.startsWith("jdbc:h2:file:" + m.get("mountPath") + "/")).findFirst().orElseThrow();
        assertThat(mount.get("readOnly")).as("the record's mount").isNotEqualTo(true);
        assertThat((List<Map<String, Object>>) pod.get("volumes")).anySatisfy(v -> {
            assertThat(v.get("name")).isEqualTo(mount.get("name"));
            assertThat(v).containsKey("emptyDir");
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void theOtherClustersLetTheHomeCoordinatorWatchTheirPoliciesAndRecordEventsAndNothingElse() throws IOException {
        Map<String, Object> role = only("daemonset/remote-access/rbac.yaml", "ClusterRole");
        Map<String, Object> binding = only("daemonset/remote-access/rbac.yaml", "ClusterRoleBinding");
        Map<String, Object> token = only("daemonset/remote-access/rbac.yaml", "Secret");
        Map<String, Object> account = only("daemonset/remote-access/rbac.yaml", "ServiceAccount");
        Map<String, Object> deployment = only("daemonset/coordinator/coordinator.yaml", "Deployment");
        Map<String, Object> pod = (Map<String, Object>) at(deployment, "spec", "template", "spec");

        assertThat((List<Object>) role.get("rules")).containsExactly(
                Map.of("apiGroups", List.of("networking.k8s.io"), "resources", List.of("networkpolicies"),
                        "verbs", List.of("get", "list", "watch")),
                Map.of("apiGroups", List.of("events.k8s.io"), "resources", List.of("events"),
                        "verbs", List.of("create", "patch")));
        assertThat(at(binding, "roleRef", "name")).isEqualTo(at(role, "metadata", "name"));
        assertThat(at(binding, "subjects", "0", "name")).isEqualTo(at(account, "metadata", "name"));
        assertThat(token.get("type")).isEqualTo("kubernetes.io/service-account-token");
        assertThat(at(token, "metadata", "annotations", "kubernetes.io/service-account.name"))
                .isEqualTo(at(account, "metadata", "name"));
        for (String cloud : List.of("azure", "gcp", "onprem")) {
            assertThat((List<String>) docs(DEPLOY.resolve("daemonset/overlays/" + cloud + "/kustomization.yaml")).get(0)
                    .get("components")).as(cloud).containsExactly("../../remote-access");
        }
        assertThat((List<Map<String, Object>>) pod.get("volumes")).contains(Map.of("name", "remote-kubeconfigs",
                "secret", Map.of("secretName", "reachproof-remote-kubeconfigs", "optional", true)));
        assertThat((List<Map<String, Object>>) at(pod, "containers", "0", "volumeMounts")).contains(Map.of(
                "name", "remote-kubeconfigs", "mountPath", "/etc/reachproof/kubeconfigs", "readOnly", true));
    }

    private static Map<String, Object> conformanceContainer() throws IOException {
        return conformanceContainer(only("conformance/job.yaml", "Job"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> conformanceContainer(Map<String, Object> job) {
        return (Map<String, Object>) at(job, "spec", "template", "spec", "containers", "0");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theConformanceJobRunsOnceWithHostPidAsRootWithExactlyTheCapabilitiesItsProbesNeed() throws IOException {
        Map<String, Object> job = only("conformance/job.yaml", "Job");
        Map<String, Object> pod = (Map<String, Object>) at(job, "spec", "template", "spec");
        Map<String, Object> security = (Map<String, Object>) conformanceContainer(job).get("securityContext");

        assertThat(pod.get("hostPID")).isEqualTo(true);
        assertThat(pod.get("restartPolicy")).isEqualTo("Never");
        assertThat((Map<String, Object>) job.get("spec")).containsEntry("backoffLimit", 0)
                .containsEntry("activeDeadlineSeconds", 900).containsEntry("ttlSecondsAfterFinished", 86400);
        assertThat(security).containsEntry("runAsUser", 0).containsEntry("readOnlyRootFilesystem", true)
                .containsEntry("allowPrivilegeEscalation", false).doesNotContainKey("privileged");
        assertThat(security.get("runAsNonRoot")).isNotEqualTo(true);
        assertThat((List<String>) at(security, "capabilities", "add"))
                .containsExactlyInAnyOrder("SYS_ADMIN", "SYS_PTRACE", "NET_BIND_SERVICE");
        assertThat((List<String>) at(security, "capabilities", "drop")).containsExactly("ALL");
        assertThat(pod.get("tolerations"))
                .isEqualTo(at(only("daemonset/base/agent.yaml", "DaemonSet"), "spec", "template", "spec", "tolerations"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theConformanceJobsNodeIsTheOneItRunsOnAndItsReadOnlyRootHasAWritableTmp() throws IOException {
        Map<String, Object> job = only("conformance/job.yaml", "Job");
        Map<String, Object> container = conformanceContainer(job);

        // --node defaults to NODE_NAME: the scratch pods go where the runner can see their processes
        assertThat((List<Map<String, Object>>) container.get("env")).anySatisfy(e -> assertThat(e).isEqualTo(Map.of(
                "name", "NODE_NAME", "valueFrom", Map.of("fieldRef", Map.of("fieldPath", "spec.nodeName")))));
        Map<String, Object> tmp = ((List<Map<String, Object>>) container.get("volumeMounts")).stream()
                .filter(m -> "/tmp".equals(m.get("mountPath"))).findFirst().orElseThrow(() -> new AssertionError("no /tmp"));
        assertThat(tmp.get("readOnly")).isNotEqualTo(true);
        assertThat((List<Map<String, Object>>) at(job, "spec", "template", "spec", "volumes")).anySatisfy(v -> {
            assertThat(v.get("name")).isEqualTo(tmp.get("name"));
            assertThat(v).containsKey("emptyDir");
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void theConformanceClusterRoleGrantsExactlyWhatTheSuiteDoesToItsScratchNamespaces() throws IOException {
        List<Map<String, Object>> rbac = docs(DEPLOY.resolve("conformance/rbac.yaml"));
        Map<String, Object> role = only("conformance/rbac.yaml", "ClusterRole");
        List<String> granted = new ArrayList<>();
        for (Map<String, Object> rule : (List<Map<String, Object>>) role.get("rules")) {
            assertThat(rule.keySet()).as("a rule names groups, resources and verbs only (no resourceNames, no URLs)")
                    .containsExactlyInAnyOrder("apiGroups", "resources", "verbs");
            for (String group : (List<String>) rule.get("apiGroups")) {
                for (String resource : (List<String>) rule.get("resources")) {
                    for (String verb : (List<String>) rule.get("verbs")) {
                        granted.add(group + "/" + resource + ":" + verb);
                    }
                }
            }
        }
        List<String> expected = new ArrayList<>();
        for (String resource : List.of("/namespaces", "/pods", "networking.k8s.io/networkpolicies")) {
            for (String verb : List.of("get", "list", "watch", "create", "delete")) {
                expected.add(resource + ":" + verb);
            }
        }

        assertThat(granted).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(role).doesNotContainKey("aggregationRule");
        assertThat(rbac).extracting(d -> d.get("kind"))
                .containsExactlyInAnyOrder("ServiceAccount", "ClusterRole", "ClusterRoleBinding");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theConformanceJobRunsInItsPrivilegedNamespaceAsTheServiceAccountBoundToTheClusterRole() throws IOException {
        Map<String, Object> ns = only("conformance/namespace.yaml", "Namespace");
        String namespace = (String) at(ns, "metadata", "name");
        Map<String, Object> account = only("conformance/rbac.yaml", "ServiceAccount");
        Map<String, Object> binding = only("conformance/rbac.yaml", "ClusterRoleBinding");
        Map<String, Object> pod = (Map<String, Object>) at(only("conformance/job.yaml", "Job"), "spec", "template", "spec");

        for (String mode : List.of("enforce", "audit", "warn")) {
            assertThat(at(ns, "metadata", "labels", "pod-security.kubernetes.io/" + mode)).as(mode).isEqualTo("privileged");
        }
        assertThat(docs(DEPLOY.resolve("conformance/kustomization.yaml")).get(0).get("namespace")).isEqualTo(namespace);
        assertThat(at(binding, "roleRef")).isEqualTo(Map.of("apiGroup", "rbac.authorization.k8s.io", "kind", "ClusterRole",
                "name", at(only("conformance/rbac.yaml", "ClusterRole"), "metadata", "name")));
        assertThat((List<Object>) binding.get("subjects")).containsExactly(Map.of("kind", "ServiceAccount",
                "name", pod.get("serviceAccountName"), "namespace", namespace));
        assertThat(at(account, "metadata", "name")).isEqualTo(pod.get("serviceAccountName"));
        // --in-cluster reads the API with the ServiceAccount's token: it must be mounted
        assertThat(account.get("automountServiceAccountToken")).isNotEqualTo(false);
        assertThat(pod.get("automountServiceAccountToken")).isNotEqualTo(false);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theConformanceJobsArgsAreAConformanceRunOnThisClusterFromInside() throws IOException {
        List<String> args = (List<String>) conformanceContainer().get("args");

        CommandLine.ParseResult parsed = Main.commandLine().parseArgs(args.toArray(String[]::new)).subcommand();

        assertThat(parsed.commandSpec().name()).isEqualTo("conformance");
        assertThat(parsed.matchedOptionValue("--cluster", "")).isEqualTo("my-cluster");
        assertThat(parsed.hasMatchedOption("--in-cluster")).isTrue();
        assertThat(parsed.matchedOptionValue("--format", "")).isIn("text", "json", "markdown");
        // the node comes from NODE_NAME (the downward API), never from a fixed --node or a kubeconfig
        assertThat(parsed.hasMatchedOption("--node")).isFalse();
        assertThat(parsed.hasMatchedOption("--kubeconfig")).isFalse();
    }

    @Test
    void theExpectationsTheCoordinatorIsShippedWithAreValid() {
        var result = new io.reachproof.expectations.ExpectationReader()
                .read(DEPLOY.resolve("daemonset/coordinator/expectations/shop-prod.yaml"));

        assertThat(result.problems()).isEmpty();
        assertThat(result.expectations()).extracting(e -> e.name()).containsExactly("shop-prod");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theCoordinatorsConfigNamesExpectationFilesWhereTheDeploymentMountsThem() throws IOException {
        Map<String, Object> deployment = only("daemonset/coordinator/coordinator.yaml", "Deployment");
        Map<String, Object> container = (Map<String, Object>) at(deployment, "spec", "template", "spec", "containers", "0");
        List<Object> args = (List<Object>) container.get("args");
        Map<String, String> mounts = new java.util.HashMap<>();
        ((List<Map<String, Object>>) container.get("volumeMounts"))
                .forEach(m -> mounts.put((String) m.get("name"), (String) m.get("mountPath")));
        Map<String, Object> config = docs(DEPLOY.resolve("daemonset/coordinator/coordinator.example.yaml")).get(0);
        Map<String, Object> component = docs(DEPLOY.resolve("daemonset/coordinator/kustomization.yaml")).get(0);
        List<String> shipped = ((List<String>) at(component, "configMapGenerator", "0", "files")).stream()
                .map(f -> Path.of(f).getFileName().toString()).toList();

        assertThat(args).containsExactly("coordinator", "--config", mounts.get("config") + "/coordinator.yaml",
                "--kubernetes", "$(REACHPROOF_CLUSTER)");
        assertThat((List<Map<String, Object>>) container.get("envFrom"))
                .anySatisfy(e -> assertThat(at(e, "configMapRef", "name")).isEqualTo("reachproof-cluster"));
        for (String file : (List<String>) config.get("expectations")) {
            Path mounted = Path.of(mounts.get("config")).resolve(file).normalize();
            assertThat(mounted.getParent()).isEqualTo(Path.of(mounts.get("expectations")));
            assertThat(shipped).contains(mounted.getFileName().toString());
        }
    }

    @Test
    void theArgoAnalysisTemplateAsksTheGateAndReadsResultPass() throws IOException {
        Map<String, Object> template = only("argo-rollouts/analysis-template.yaml", "AnalysisTemplate");
        String coordinator = (String) at(template, "spec", "args", "1", "value");
        String url = ((String) at(template, "spec", "metrics", "0", "provider", "web", "url"))
                .replace("{{args.coordinator}}", coordinator);

        assertThat(url).isEqualTo(gateUrl() + "?expectation={{args.expectation}}&verdictIn=body");
        assertThat(at(template, "spec", "metrics", "0", "successCondition")).isEqualTo("result.pass == true");
        assertThat(at(template, "spec", "metrics", "0", "failureCondition")).isEqualTo("result.pass == false");
    }

    @Test
    void theFlaggerCanaryWebhookCallsTheGate() throws IOException {
        Map<String, Object> canary = only("flagger/canary.yaml", "Canary");

        assertThat((String) at(canary, "spec", "analysis", "webhooks", "0", "url"))
                .isEqualTo(gateUrl() + "?expectation=shop-prod");
        assertThat(at(canary, "spec", "analysis", "webhooks", "0", "type")).isEqualTo("rollout");
    }

    @Test
    void theCiStepsRunTheGateWithAJUnitReport() throws IOException {
        String workflow = Files.readString(DEPLOY.resolve("ci/github-actions.yaml"));
        String script = Files.readString(DEPLOY.resolve("ci/reachproof-gate.sh"));

        assertThat(docs(DEPLOY.resolve("ci/github-actions.yaml")).get(0)).containsKeys("on", "jobs");
        assertThat(workflow).contains("reachproof.jar gate").contains("--junit reports/reachproof-gate.xml");
        assertThat(script).contains(" gate \\").contains("--junit ");
        assertThat(DEPLOY.resolve("ci/reachproof-gate.sh")).isExecutable();
    }

    private static String kustomize(String relative) throws Exception {
        return kustomize(DEPLOY.resolve(relative), relative);
    }

    /** Builds a kustomization with kubectl kustomize (skips where kubectl is missing); K3sConformanceIT renders with it too. */
    static String kustomize(Path dir, String relative) throws Exception {
        Path kubectl = Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).map(d -> Path.of(d, "kubectl"))
                .filter(Files::isExecutable).findFirst().orElse(null);
        assumeThat(kubectl).as("kubectl is not on PATH: the kustomize build of %s is not checked here", relative).isNotNull();
        Process p = new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("kubectl kustomize %s: %s", relative, output).isZero();
        return output;
    }

    @Test
    void everyOverlayBuildsWithKustomizeWhereKubectlIsInstalled() throws Exception {
        for (String cloud : List.of("aws", "azure", "gcp", "onprem")) {
            assertThat(kustomize("daemonset/overlays/" + cloud)).contains("kind: DaemonSet")
                    .contains("REACHPROOF_CLUSTER: " + cloud + "-prod");
        }
    }

    @Test
    void everyKustomizationBuildsAloneWhereKubectlIsInstalled() throws Exception {
        // a component too: `kubectl kustomize deploy/daemonset/workload-mode` shows what it adds
        for (Path k : yamlFiles().stream().filter(p -> p.getFileName().toString().equals("kustomization.yaml")).toList()) {
            kustomize(DEPLOY.relativize(k.getParent()).toString());
        }
    }

    @Test
    void anOverlayWithWorkloadModeAndTokenReviewCarriesBothOnTheBasesNamespaceAndDaemonSet(@TempDir Path overlay)
            throws Exception {
        String daemonset = overlay.relativize(DEPLOY.resolve("daemonset").toAbsolutePath()).toString();
        Files.writeString(overlay.resolve("kustomization.yaml"), String.join("\n",
                "apiVersion: kustomize.config.k8s.io/v1beta1",
                "kind: Kustomization",
                "resources: [" + daemonset + "/base]",
                "components: [" + daemonset + "/workload-mode, " + daemonset + "/token-review]",
                ""));

        String built = kustomize(overlay, "an overlay with workload-mode and token-review");

        assertThat(built).containsOnlyOnce("kind: Namespace").containsOnlyOnce("kind: DaemonSet")
                .contains("pod-security.kubernetes.io/enforce: privileged", "hostPID: true", "REACHPROOF_TOKEN_FILE",
                        "audience: reachproof");
    }

    @Test
    @SuppressWarnings("unchecked")
    void rollbackInApplyModeMayWriteNetworkPoliciesInEachListedNamespaceAndNothingElse() throws Exception {
        Load load = new Load(LoadSettings.builder().build());
        List<Map<String, Object>> built = new ArrayList<>();
        load.loadAllFromString(kustomize("daemonset/rollback")).forEach(d -> built.add((Map<String, Object>) d));

        assertThat(built).extracting(d -> d.get("kind") + " " + at(d, "metadata", "namespace") + "/" + at(d, "metadata", "name"))
                .containsExactlyInAnyOrder("Role payments/reachproof-rollback", "Role shop/reachproof-rollback",
                        "RoleBinding payments/reachproof-rollback", "RoleBinding shop/reachproof-rollback");
        for (Map<String, Object> d : built) {
            if (d.get("kind").equals("Role")) {
                assertThat((List<Object>) at(d, "rules")).singleElement().satisfies(rule -> {
                    assertThat(at(rule, "apiGroups")).isEqualTo(List.of("networking.k8s.io"));
                    assertThat(at(rule, "resources")).isEqualTo(List.of("networkpolicies"));
                    assertThat((List<Object>) at(rule, "verbs")).contains("patch", "create", "delete").doesNotContain("*");
                });
            } else {
                assertThat(at(d, "roleRef", "kind")).isEqualTo("Role");
                assertThat((List<Object>) at(d, "subjects")).extracting(s -> at(s, "namespace") + "/" + at(s, "name"))
                        .containsExactlyInAnyOrder("reachproof/reachproof-coordinator", "reachproof/reachproof-coordinator-remote");
            }
        }
    }
}
