package io.reachproof.coordinator.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.reachproof.coordinator.store.JdbcStore;
import io.reachproof.coordinator.store.PolicyVersion;
import io.reachproof.coordinator.store.ReportQuery;
import io.reachproof.coordinator.store.StoreSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Policy versions into a real H2 store: one per content, with who changed it from managedFields. */
class PolicyRecorderTest {

    @TempDir
    Path dir;

    static NetworkPolicy policy(String rv, String app, String manager, String time) {
        return new NetworkPolicyBuilder().withNewMetadata().withNamespace("shop").withName("db-ingress")
                .withResourceVersion(rv)
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("argocd-controller")
                        .withTime("2026-10-01T00:00:00Z").build(),
                        new ManagedFieldsEntryBuilder().withManager(manager).withTime(time).build())
                .endMetadata()
                .withNewSpec().withNewPodSelector().addToMatchLabels("app", "db").endPodSelector()
                .addNewIngress().addNewFrom().withNewPodSelector().addToMatchLabels("app", app).endPodSelector().endFrom()
                .endIngress().endSpec().build();
    }

    @Test
    void aVersionIsKeptPerContentWithItsManager() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-11-01T10:00:00Z"), ZoneOffset.UTC);
        try (JdbcStore store = JdbcStore.open(StoreSettings.h2In(dir))) {
            PolicyRecorder recorder = new PolicyRecorder(store, clock, "coordinator-0");
            recorder.record("gcp-lab", List.of(policy("41", "api", "argocd-controller", "2026-10-01T00:00:00Z")));
            recorder.record("gcp-lab", List.of(policy("42", "api", "argocd-controller", "2026-10-01T00:00:00Z")));
            recorder.record("gcp-lab", List.of(policy("43", "web", "kubectl-edit", "2026-11-01T09:59:00Z")));

            List<PolicyVersion> versions = store.read(new ReportQuery(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"),
                    Optional.empty(), Optional.empty())).policyVersions();

            assertThat(versions).extracting(PolicyVersion::resourceVersion)
                    .containsExactlyInAnyOrder(Optional.of("41"), Optional.of("43"));
            PolicyVersion changed = versions.stream().filter(v -> v.resourceVersion().equals(Optional.of("43"))).findFirst()
                    .orElseThrow();
            assertThat(changed.manager()).contains("kubectl-edit");
            assertThat(changed.seenBy()).isEqualTo("coordinator-0");
            assertThat(changed.yaml()).startsWith("spec:\n").contains("app: \"web\"").doesNotContain("resourceVersion");
        }
    }
}
