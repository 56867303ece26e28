package io.reachproof.coordinator.restore;

import static io.reachproof.coordinator.testing.RoundReports.change;
import static io.reachproof.coordinator.testing.RoundReports.round;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.reachproof.coordinator.store.BufferedStore;
import io.reachproof.coordinator.store.JdbcStore;
import io.reachproof.coordinator.store.StoreSettings;
import io.reachproof.coordinator.store.StoreUnavailable;
import io.reachproof.policy.PolicyDrift;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Rollback's memory in the proof record: what one leader proved and rolled back is known to the next one, which opens
 * the same database after the first is gone. Run on an H2 file ({@link RestoreMemoryH2Test}) and on a real PostgreSQL
 * ({@link RestoreMemoryPostgresIT}).
 */
abstract class RestoreMemoryContract {

    private static final String CLUSTER = "gcp-lab";
    private static final long T0 = 1_790_000_000_000L;

    /** The database, empty before each test. */
    abstract StoreSettings settings();

    private final Map<String, Map<String, NetworkPolicy>> live = new HashMap<>();

    private static NetworkPolicy policy(String name, int port) {
        return new NetworkPolicyBuilder().withNewMetadata().withNamespace("shop").withName(name).withResourceVersion("7")
                .endMetadata().withNewSpec().withNewPodSelector().addToMatchLabels("app", name).endPodSelector()
                .addNewIngress().addNewPort().withNewPort(port).withProtocol("TCP").endPort().endIngress()
                .withPolicyTypes("Ingress").endSpec().build();
    }

    private BufferedStore open() throws StoreUnavailable {
        StoreSettings settings = settings();
        return BufferedStore.of(JdbcStore.open(settings), settings);
    }

    private ProvenPolicies leader(BufferedStore store) {
        return new ProvenPolicies(c -> Optional.ofNullable(live.get(c)), Set.of(CLUSTER), 3, new StoreRestoreMemory(store));
    }

    @Test
    void aNewLeaderRestoresToTheSetTheFormerOneProved() throws Exception {
        live.put(CLUSTER, Map.of("shop/a", policy("a", 80)));
        try (BufferedStore first = open()) {
            ProvenPolicies former = leader(first);
            former.onRound(round("shop", "r-1", T0).clusters(CLUSTER, CLUSTER).ok("frontend", "checkout", 80).build());
            live.put(CLUSTER, Map.of("shop/a", policy("a", 80), "shop/b", policy("b", 443)));
            former.onRound(round("shop", "r-2", T0 + 30_000).clusters(CLUSTER, CLUSTER).ok("frontend", "checkout", 80).build());
            live.put(CLUSTER, Map.of("shop/a", policy("a", 80)));
            former.onRound(round("shop", "r-3", T0 + 60_000).clusters(CLUSTER, CLUSTER).ok("frontend", "checkout", 80).build());
            assertThat(first.awaitWritten(Duration.ofSeconds(10))).isTrue();
        }

        live.clear(); // the new leader has not listed anything yet, nor run a round
        try (BufferedStore second = open()) {
            ProvenPolicies next = leader(second);
            ProvenPolicies.Version last = next.lastProven(CLUSTER).orElseThrow();
            assertThat(last.roundId()).as("the same set proven again keeps its newest proof").isEqualTo("r-3");
            assertThat(last.expectation()).isEqualTo("shop");
            assertThat(last.policies()).containsOnlyKeys("shop/a");
            assertThat(PolicyDrift.sameContent(last.policies().get("shop/a"), policy("a", 80))).isTrue();
            assertThat(next.all().get(CLUSTER)).extracting(ProvenPolicies.Version::roundId).containsExactly("r-3", "r-2");
            assertThat(next.version(CLUSTER, last.id())).contains(last);
            assertThat(next.lastProven("aws-lab")).isEmpty();
        }
    }

    @Test
    void rollbacksAndTheContentsRolledBackOutliveTheLeader() throws Exception {
        RollbackRecord applied = new RollbackRecord("rb-0001", T0, CLUSTER, "shop", "signal ep-1", change("shop", "a"),
                RollbackMode.APPLY, RollbackRecord.Outcome.APPLIED, "restored proven version pv-1", "pv-1", "r-1",
                List.of(new RestorePlan.Action(RestorePlan.Kind.RESTORE, "shop", "a", policy("a", 80)),
                        new RestorePlan.Action(RestorePlan.Kind.DELETE, "shop", "new", null)));
        RollbackRecord notAgain = new RollbackRecord("rb-0002", T0 + 5_000, CLUSTER, "shop", "signal ep-2",
                change("shop", "a"), RollbackMode.APPLY, RollbackRecord.Outcome.NOT_AGAIN, "not rolled back again", null,
                null, List.of());
        String content = CLUSTER + "/shop/a=0123abcd";
        try (BufferedStore first = open()) {
            StoreRestoreMemory memory = new StoreRestoreMemory(first);
            memory.rolledBack(applied);
            memory.contentRolledBack(content);
            memory.rolledBack(notAgain);
            memory.rolledBack(applied); // written twice (a replay after an outage): kept once
            assertThat(first.awaitWritten(Duration.ofSeconds(10))).isTrue();
        }
        try (BufferedStore second = open()) {
            StoreRestoreMemory memory = new StoreRestoreMemory(second);
            assertThat(memory.rollbacks(10)).containsExactly(notAgain, applied);
            assertThat(memory.rollbacks(1)).containsExactly(notAgain);
            assertThat(memory.wasRolledBack(content)).isTrue();
            assertThat(memory.wasRolledBack(CLUSTER + "/shop/a=ffff")).as("another content of the same policy").isFalse();
        }
    }
}
