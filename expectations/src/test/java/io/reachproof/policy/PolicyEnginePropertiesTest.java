package io.reachproof.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.reachproof.protocol.Verdict;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;

/**
 * Properties of NetworkPolicy semantics over random networks ({@link RandomNetwork}, one seed per try), and
 * agreement with the naive per-cell evaluator.
 */
class PolicyEnginePropertiesTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Property(tries = 150)
    void theTableAgreesWithTheNaivePerCellEvaluator(@ForAll long seed) {
        RandomNetwork.Network network = RandomNetwork.small(seed);

        assertThat(network.table().cells()).as("%s", network).containsExactlyElementsOf(network.naive().cells());
    }

    @Property(tries = 150)
    void addingAnAllowRuleNeverTurnsAnAllowIntoADeny(@ForAll long seed) {
        RandomNetwork.Network before = RandomNetwork.small(seed);
        Random random = new Random(seed);
        List<NetworkPolicy> policies = new ArrayList<>(before.policies());
        if (policies.isEmpty()) {
            return;
        }
        int index = random.nextInt(policies.size());
        NetworkPolicy policy = policies.get(index);
        // a rule is added to a direction the policy already governs: adding egress rules to a policy without
        // policyTypes and without egress rules would make it isolate for egress, which is not "adding an allow"
        List<String> types = NaivePolicyEvaluator.types(policy);
        String direction = types.get(random.nextInt(types.size())).equals("Ingress") ? "ingress" : "egress";
        @SuppressWarnings("unchecked")
        Map<String, Object> map = MAPPER.convertValue(policy, Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) map.get("spec");
        spec.put("policyTypes", types);
        List<Object> rules = new ArrayList<>(spec.get(direction) == null ? List.of() : (List<?>) spec.get(direction));
        rules.add(RandomNetwork.randomRule(seed + 1, direction));
        spec.put(direction, rules);
        policies.set(index, MAPPER.convertValue(map, NetworkPolicy.class));
        RandomNetwork.Network after = new RandomNetwork.Network(policies, before.namespaces(), before.pods());

        List<TruthTable.Cell> was = before.table().cells();
        List<TruthTable.Cell> now = after.table().cells();

        assertThat(now).hasSameSizeAs(was);
        for (int i = 0; i < was.size(); i++) {
            if (was.get(i).verdict() == Verdict.ALLOW) {
                assertThat(now.get(i)).as("%s after adding a rule to %s", was.get(i), policy.getMetadata().getName())
                        .isEqualTo(was.get(i));
            }
        }
    }

    @Property(tries = 150)
    void aPodSelectedByNoPolicyIsReachableFromEveryPodNotIsolatedForEgress(@ForAll long seed) {
        RandomNetwork.Network network = RandomNetwork.small(seed);
        NaivePolicyEvaluator naive = network.naive();
        Set<String> unselected = network.pods().stream()
                .filter(p -> !naive.isolated(p, "Ingress") && !naive.isolated(p, "Egress"))
                .map(NaivePolicyEvaluator::id)
                .collect(Collectors.toSet());
        Set<String> freeToSend = network.pods().stream()
                .filter(p -> !naive.isolated(p, "Egress"))
                .map(NaivePolicyEvaluator::id)
                .collect(Collectors.toSet());
        assertThat(unselected).as("the quiet namespace holds no policy").isNotEmpty();

        List<TruthTable.Cell> cells = network.table().cells().stream()
                .filter(c -> unselected.contains(c.to()) && freeToSend.contains(c.from()))
                .toList();
        Statistics.collect(!cells.isEmpty());
        Statistics.coverage(checker -> checker.check(true).percentage(p -> p > 80));

        assertThat(cells).allMatch(c -> c.verdict() == Verdict.ALLOW);
    }

    @Property(tries = 100)
    void resultsDoNotDependOnInputOrder(@ForAll long seed) {
        RandomNetwork.Network network = RandomNetwork.small(seed);
        Random random = new Random(seed);
        List<NetworkPolicy> policies = new ArrayList<>(network.policies());
        List<Pod> pods = new ArrayList<>(network.pods());
        var namespaces = new ArrayList<>(network.namespaces());
        Collections.shuffle(policies, random);
        Collections.shuffle(pods, random);
        Collections.shuffle(namespaces, random);
        RandomNetwork.Network shuffled = new RandomNetwork.Network(policies, namespaces, pods);

        assertThat(shuffled.table().cells()).containsExactlyElementsOf(network.table().cells());
    }
}
