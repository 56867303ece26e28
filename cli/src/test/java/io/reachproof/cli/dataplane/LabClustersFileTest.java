package io.reachproof.cli.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reachproof.cli.dataplane.DataplaneLab.LabCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code lab --clusters FILE}: the lab's clusters and their CNI profiles, every mistake located. */
class LabClustersFileTest {

    @Test
    void theExampleFileIsTheDefaultLab() {
        assertThat(LabClustersFile.read(Path.of("../expectations/examples/dataplane/clusters.yaml")))
                .isEqualTo(DataplaneLab.CLUSTERS);
    }

    @Test
    void cloudRegionAndLagHaveDefaults() {
        List<LabCluster> read = LabClustersFile.read("c.yaml", """
                clusters:
                - {name: slow, profile: enforcement-lag}
                - {name: quick, profile: enforcement-lag, lag: 3s}
                - {name: plain, profile: reference}
                """);

        assertThat(read).containsExactly(
                new LabCluster("slow", "lab", "local", CniProfile.ENFORCEMENT_LAG, Duration.ofSeconds(45)),
                new LabCluster("quick", "lab", "local", CniProfile.ENFORCEMENT_LAG, Duration.ofSeconds(3)),
                new LabCluster("plain", "lab", "local", CniProfile.REFERENCE, Duration.ZERO));
    }

    @Test
    void egressSnatMakesAClusterTranslateItsTrafficToOtherClustersAndIsItsEgressAddresses() {
        List<LabCluster> read = LabClustersFile.read("c.yaml", """
                clusters:
                - {name: flat, profile: reference}
                - {name: also-flat, profile: reference, egress: podIP}
                - {name: nat, profile: reference, egress: snat}
                """);

        assertThat(read).extracting(LabCluster::snat).containsExactly(false, false, true);
        assertThat(DataplaneLab.egressAddresses(read, 2)).containsOnlyKeys("nat");
        assertThat(DataplaneLab.egressAddresses(read, 2).get("nat").snat()).extracting(Object::toString)
                .containsExactly("10.199.2.1/32", "10.199.2.2/32");
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                Arguments.of("a bad egress", "clusters:\n- {name: a, profile: reject, egress: masquerade}\n",
                        List.of("c.yaml:2:38: clusters[0].egress: must be podIP (the default) or snat, not masquerade")),
                Arguments.of("an unknown profile, with the nearest", "clusters:\n- {name: a, profile: rejct}\n",
                        List.of("c.yaml:2:22: clusters[0].profile: unknown profile 'rejct' (did you mean 'reject'?)"
                                + " (profiles: reference, no-enforcement, enforcement-lag, ipblock-ignores-pods, no-endport,"
                                + " reject)")),
                Arguments.of("an unknown key, with the nearest", "clusters:\n- name: a\n  profile: reject\n  lags: 3s\n",
                        List.of("c.yaml:4:3: unknown key 'lags' in clusters[0] (did you mean 'lag'?)")),
                Arguments.of("a missing profile and a name twice", "clusters:\n- {name: a, profile: reject}\n- {name: a}\n",
                        List.of("c.yaml:3:3: missing required key 'profile' in clusters[1]",
                                "c.yaml:3:10: clusters[1].name: cluster a is named twice (first at line 2)")),
                Arguments.of("a lag on a profile without one", "clusters:\n- {name: a, profile: reject, lag: 3s}\n",
                        List.of("c.yaml:2:35: clusters[0].lag: only the profile enforcement-lag has a lag, not reject")),
                Arguments.of("a bad lag", "clusters:\n- {name: a, profile: enforcement-lag, lag: 3 seconds}\n",
                        List.of("c.yaml:2:44: clusters[0].lag: must be a duration from 1ms to 10m, such as 45s: 3 seconds")),
                Arguments.of("a bad name", "clusters:\n- {name: AWS_lab, profile: reference}\n",
                        List.of("c.yaml:2:10: clusters[0].name: a lab cluster's name is 1 to 20 lowercase letters, digits"
                                + " and dashes: AWS_lab")),
                Arguments.of("no clusters key", "cluster: []\n",
                        List.of("c.yaml:1:1: unknown key 'cluster' in the file (did you mean 'clusters'?)",
                                "c.yaml:1:1: missing required key 'clusters' in the file")),
                Arguments.of("not YAML", "clusters: [\n", List.of("c.yaml:2:1: not valid YAML")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void everyMistakeIsLocated(String name, String text, List<String> lines) {
        assertThatThrownBy(() -> LabClustersFile.read("c.yaml", text)).isInstanceOfSatisfying(LabClustersFile.Invalid.class,
                e -> {
                    assertThat(e.lines()).hasSize(lines.size());
                    for (int i = 0; i < lines.size(); i++) {
                        assertThat(e.lines().get(i)).startsWith(lines.get(i));
                    }
                });
    }
}
