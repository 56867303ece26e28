package io.reachproof.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.protocol.Verdict;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;

/** {@link PolicyDiff} on the upstream e2e-model corpus of {@link E2eTruthTableTest}. */
class PolicyDiffTest {

    private static List<String> corpus() {
        return E2eTruthTableTest.cases().map(Arguments::get)
                .map(args -> (String) ((Named<?>) args[0]).getPayload()).toList();
    }

    @Test
    void diffOfEveryPairOfCorpusPolicySetsIsCompileOfTheSecondMinusCompileOfTheFirst() {
        List<String> corpus = corpus();
        List<TruthTable> tables = corpus.stream().map(E2eModel::table).toList();
        int pairs = 0;
        for (int a = 0; a < tables.size(); a++) {
            Set<TruthTable.Cell> before = new HashSet<>(tables.get(a).cells());
            for (int b = 0; b < tables.size(); b++) {
                List<TruthTable.Cell> expected = new ArrayList<>(tables.get(b).cells());
                expected.removeIf(before::contains);

                List<TruthTable.Cell> changed = PolicyDiff.diff("default", tables.get(a), tables.get(b)).stream()
                        .map(c -> new TruthTable.Cell(c.from().toString(), c.to().toString(), c.port().port(),
                                c.port().protocol(), c.after().orElseThrow()))
                        .toList();

                assertThat(changed).as("diff of case %d to case %d", a, b).containsExactlyElementsOf(expected);
                pairs++;
            }
        }
        assertThat(pairs).isGreaterThan(400);
    }

    @Test
    void everyChangeIsExplainedByTheNewTable() {
        String policies = corpus().get(1);
        TruthTable none = E2eModel.table("");
        TruthTable after = E2eModel.table(policies);

        List<PolicyDiff.Change> changes = PolicyDiff.diff("c1", none, after);

        assertThat(changes).isNotEmpty().allSatisfy(c -> {
            assertThat(c.before()).contains(Verdict.ALLOW);
            assertThat(c.after()).contains(Verdict.DENY);
            assertThat(c.closes()).isTrue();
            assertThat(c.explanation().verdict()).isEqualTo(Verdict.DENY);
            assertThat(c.explanation().reason()).contains("denied: isolated");
        });
    }

    @Test
    void podsOnlyOneTopologyHasAreCellsFromOrToAbsent() {
        TruthTable all = E2eModel.table("");
        TruthTable withoutZ = E2eModel.table("", E2eModel.topologyYaml().replaceAll("(?s)- apiVersion: v1\\s+kind: Pod\\s+metadata:\\s+name: c\\s+namespace: z.*?(?=- apiVersion|\\z)", ""));
        assertThat(withoutZ.pods()).hasSize(all.pods().size() - 1);

        List<PolicyDiff.Change> added = PolicyDiff.diff("c1", withoutZ, all);
        List<PolicyDiff.Change> removed = PolicyDiff.diff("c1", all, withoutZ);

        long cellsOfZc = all.cells().stream().filter(c -> c.from().equals("z/c") || c.to().equals("z/c")).count();
        assertThat(added).hasSize((int) cellsOfZc).allSatisfy(c -> {
            assertThat(c.before()).isEmpty();
            assertThat(c.opens()).isTrue();
        });
        assertThat(removed).hasSize((int) cellsOfZc).allSatisfy(c -> assertThat(c.after()).isEmpty());
    }
}
