package io.reachproof.cli.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The window in which a lagging enforcer leaves new pods and the pods of changed policies open. */
class EnforcementLagTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final EnforcementLag lag = new EnforcementLag(Duration.ofSeconds(45));

    private static Pod pod(String name, String app) {
        return new PodBuilder().withNewMetadata().withNamespace("shop").withName(name).withUid("uid-" + name)
                .withLabels(Map.of("app", app)).endMetadata().withNewStatus().withPodIP("10.200.1.10").endStatus().build();
    }

    private static NetworkPolicy policy(String app, int port) {
        return new NetworkPolicyBuilder().withNewMetadata().withNamespace("shop").withName("p").endMetadata().withNewSpec()
                .withNewPodSelector().addToMatchLabels("app", app).endPodSelector().addNewIngress().addNewPort()
                .withNewPort(port).endPort().endIngress().endSpec().build();
    }

    @Test
    void aNewPodIsOpenForTheLagThenItsRulesLand() {
        List<Pod> pods = List.of(pod("a", "web"));

        assertThat(lag.open(List.of(), pods, T0)).containsExactly("shop/a");
        assertThat(lag.nextLanding(T0)).contains(T0.plusSeconds(45));
        assertThat(lag.open(List.of(), pods, T0.plusSeconds(44))).containsExactly("shop/a");
        assertThat(lag.open(List.of(), pods, T0.plusSeconds(45))).isEmpty();
        assertThat(lag.nextLanding(T0.plusSeconds(45))).isEmpty();
    }

    @Test
    void aChangedPolicyOpensThePodsItSelectsOnlyForTheLag() {
        List<Pod> pods = List.of(pod("a", "web"), pod("b", "db"));
        lag.open(List.of(), pods, T0);
        Instant later = T0.plusSeconds(100);

        assertThat(lag.open(List.of(policy("web", 80)), pods, later)).containsExactly("shop/a");
        assertThat(lag.open(List.of(policy("web", 80)), pods, later.plusSeconds(45))).isEmpty();
        // the same spec again is no change; another spec is
        assertThat(lag.open(List.of(policy("web", 80)), pods, later.plusSeconds(50))).isEmpty();
        assertThat(lag.open(List.of(policy("web", 81)), pods, later.plusSeconds(60))).containsExactly("shop/a");
        assertThat(lag.nextLanding(later.plusSeconds(60))).contains(later.plusSeconds(105));
    }

    @Test
    void aPodMadeAgainUnderTheSameNameIsNewAgain() {
        lag.open(List.of(), List.of(pod("a", "web")), T0);
        Pod again = new PodBuilder(pod("a", "web")).editMetadata().withUid("uid-2").endMetadata().build();

        assertThat(lag.open(List.of(), List.of(again), T0.plusSeconds(60))).containsExactly("shop/a");
    }

    @Test
    void noLagOpensNothing() {
        EnforcementLag none = new EnforcementLag(Duration.ZERO);

        assertThat(none.open(List.of(policy("web", 80)), List.of(pod("a", "web")), T0)).isEmpty();
        assertThat(none.nextLanding(T0)).isEqualTo(Optional.empty());
    }

    @Test
    void aNegativeLagIsRefused() {
        assertThatThrownBy(() -> new EnforcementLag(Duration.ofSeconds(-1))).hasMessage("lag must not be negative: PT-1S");
    }
}
