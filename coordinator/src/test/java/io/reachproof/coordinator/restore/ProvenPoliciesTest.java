package io.reachproof.coordinator.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.reachproof.protocol.CellResult;
import io.reachproof.protocol.EndpointRef;
import io.reachproof.protocol.InconclusiveReason;
import io.reachproof.protocol.Mismatch;
import io.reachproof.protocol.ObservedVerdict;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.PolicyChange;
import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.RoundReport;
import io.reachproof.protocol.Verdict;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProvenPoliciesTest {

    private final Map<String, Map<String, NetworkPolicy>> live = new HashMap<>();
    private final ProvenPolicies proven = new ProvenPolicies(c -> Optional.ofNullable(live.get(c)), Set.of("gcp", "aws"), 2);

    private static NetworkPolicy policy(String name) {
        return new NetworkPolicyBuilder().withNewMetadata().withNamespace("shop").withName(name).endMetadata()
                .withNewSpec().withNewPodSelector().endPodSelector().withPolicyTypes("Ingress").endSpec().build();
    }

    private static EndpointRef pod(String cluster, String name) {
        return new EndpointRef(name, cluster, "cloud", "region", "node", "shop", name, "10.0.0.1");
    }

    private static CellResult cell(String cluster, ObservedVerdict observed) {
        return new CellResult("frontend", pod(cluster, "frontend"), "checkout", pod(cluster, "checkout"), 80, Protocol.TCP,
                Verdict.ALLOW, observed, observed == ObservedVerdict.INCONCLUSIVE ? InconclusiveReason.NO_RESULT : null,
                observed == ObservedVerdict.ALLOW ? Outcome.CONNECTED : observed == ObservedVerdict.DENY ? Outcome.TIMEOUT : null,
                1, 100, "shop.yaml:9", null);
    }

    private static RoundReport round(String id, long started, CellResult... cells) {
        List<Mismatch> mismatches = Arrays.stream(cells).filter(c -> c.observed() == ObservedVerdict.DENY)
                .map(c -> new Mismatch(c, null)).toList();
        long proven = Arrays.stream(cells).filter(c -> c.observed() != ObservedVerdict.INCONCLUSIVE).count();
        return new RoundReport(id, "shop", started, started + 500, true, null, List.of(cells), mismatches,
                cells.length == 0 ? 0 : proven / (double) cells.length, List.of(), List.of(), Map.of(), null);
    }

    @Test
    void aCleanCompleteRoundProvesTheClustersItsCellsAreIn() {
        live.put("gcp", Map.of("shop/a", policy("a")));
        live.put("aws", Map.of("shop/b", policy("b")));

        proven.onRound(round("r1", 1_000, cell("gcp", ObservedVerdict.ALLOW)));

        assertThat(proven.lastProven("gcp")).hasValueSatisfying(v -> {
            assertThat(v.roundId()).isEqualTo("r1");
            assertThat(v.policies()).containsOnlyKeys("shop/a");
        });
        assertThat(proven.lastProven("aws")).as("no cell of the round was in aws").isEmpty();
    }

    @Test
    void aMismatchAnInconclusiveCellAnEmptyRoundOrAChangeDuringTheRoundProveNothing() {
        live.put("gcp", Map.of("shop/a", policy("a")));
        proven.onRound(round("mismatch", 1_000, cell("gcp", ObservedVerdict.ALLOW), cell("gcp", ObservedVerdict.DENY)));
        proven.onRound(round("inconclusive", 2_000, cell("gcp", ObservedVerdict.ALLOW), cell("gcp", ObservedVerdict.INCONCLUSIVE)));
        proven.onRound(round("empty", 3_000));
        proven.changed(new PolicyChange("gcp", "shop", "a", "u", "2", "MODIFIED", 4_100));
        proven.onRound(round("during", 4_000, cell("gcp", ObservedVerdict.ALLOW)));
        assertThat(proven.lastProven("gcp")).isEmpty();

        proven.onRound(round("after", 4_200, cell("gcp", ObservedVerdict.ALLOW)));
        assertThat(proven.lastProven("gcp")).map(ProvenPolicies.Version::roundId).contains("after");
    }

    @Test
    void theSameSetProvenAgainIsTheSameVersionAndOnlyTheNewestAreKept() {
        live.put("gcp", Map.of("shop/a", policy("a")));
        proven.onRound(round("r1", 1_000, cell("gcp", ObservedVerdict.ALLOW)));
        String first = proven.lastProven("gcp").orElseThrow().id();
        proven.onRound(round("r2", 2_000, cell("gcp", ObservedVerdict.ALLOW)));
        assertThat(proven.all().get("gcp")).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo(first);
            assertThat(v.roundId()).isEqualTo("r2");
        });

        live.put("gcp", Map.of("shop/b", policy("b")));
        proven.onRound(round("r3", 3_000, cell("gcp", ObservedVerdict.ALLOW)));
        live.put("gcp", Map.of("shop/c", policy("c")));
        proven.onRound(round("r4", 4_000, cell("gcp", ObservedVerdict.ALLOW)));
        assertThat(proven.all().get("gcp")).extracting(ProvenPolicies.Version::roundId).containsExactly("r4", "r3");
        assertThat(proven.version("gcp", first)).as("kept: the newest 2").isEmpty();
    }
}
