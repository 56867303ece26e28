package io.reachproof.expectations;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The example files users start from, and the lab files the lab fleet is proven against. */
class ExamplesTest {

    private static final Path EXAMPLES = Path.of("examples");

    private static ConnectivityExpectation example(String file) {
        ReadResult result = new ExpectationReader().read(EXAMPLES.resolve(file));
        assertThat(result.problems()).isEmpty();
        return result.expectations().get(0);
    }

    /** The lab fleet of the shared convention: agent i in cluster i % 3, role (i / 3) % 3. */
    static List<Endpoint> labFleet(int agents) {
        String[] clusters = {"aws-lab", "gcp-lab", "azure-lab"};
        String[] clouds = {"aws", "gcp", "azure"};
        String[] apps = {"frontend", "checkout", "payments"};
        String[] tiers = {"web", "api", "api"};
        List<Endpoint> fleet = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            int role = (i / 3) % 3;
            String ns = role == 2 ? "payments" : "shop";
            fleet.add(Endpoint.pod("agent-" + i, clusters[i % 3], clouds[i % 3], ns,
                    Map.of("kubernetes.io/metadata.name", ns, "team", ns.equals("shop") ? "shop" : "payments"),
                    "agent-" + i, Map.of("app", apps[role], "tier", tiers[role]), List.of("127.0.1." + (i + 1))));
        }
        return fleet;
    }

    @Test
    void everyExampleFileIsValid() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(EXAMPLES)) {
            files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }

        ReadResult result = new ExpectationReader().readAll(files);

        assertThat(files).extracting(p -> p.getFileName().toString())
                .contains("lab.yaml", "lab-no-mismatch.yaml", "lab-policies.yaml", "multi-cloud.yaml", "security-baseline.yaml");
        assertThat(result.problems()).isEmpty();
        assertThat(result.expectations()).extracting(ConnectivityExpectation::name)
                .containsExactly("lab-no-mismatch", "lab-policies", "lab", "shop-prod", "security-baseline");
    }

    @Test
    void labExpectsTheFrontendToPaymentsHoleOnTheLabFleet() {
        ConnectivityExpectation lab = example("lab.yaml");

        List<EndpointCells.Cell> cells = EndpointCells.of(lab, labFleet(9));

        assertThat(lab.interval()).hasSeconds(5);
        assertThat(cells).hasSize(45);
        assertThat(cells).filteredOn(c -> c.verdict() == Verdict.DENY)
                .hasSize(9)
                .allSatisfy(c -> {
                    assertThat(c.from().podLabels()).containsEntry("app", "frontend");
                    assertThat(c.to().podLabels()).containsEntry("app", "payments");
                    assertThat(c.port()).isEqualTo(PortSpec.of(7001, Protocol.TCP));
                });
        assertThat(cells).filteredOn(c -> c.port().protocol() == Protocol.HTTP)
                .hasSize(9)
                .allSatisfy(c -> assertThat(c.port().http().path()).isEqualTo("/reachproof/identity"));
        assertThat(cells).filteredOn(c -> c.port().protocol() == Protocol.UDP)
                .hasSize(9)
                .allSatisfy(c -> assertThat(c.port().port()).isEqualTo(7002));
    }

    @Test
    void labWithoutMismatchExpectsOnlyWhatTheLabFleetAllows() {
        List<EndpointCells.Cell> cells = EndpointCells.of(example("lab-no-mismatch.yaml"), labFleet(9));

        assertThat(cells).hasSize(36).allSatisfy(c -> assertThat(c.verdict()).isEqualTo(Verdict.ALLOW));
    }

    @Test
    void securityBaselineDeniesMetadataFromEveryGroupButAllowsClusterDns() {
        List<GroupCell> cells = ExpectationResolver.groupCells(example("security-baseline.yaml"));

        assertThat(cells).filteredOn(c -> c.to().equals("cloud-metadata"))
                .extracting(GroupCell::from).containsExactly("workloads", "kube-system", "cluster-dns");
        assertThat(cells).filteredOn(c -> c.to().equals("cluster-dns"))
                .allSatisfy(c -> assertThat(c.verdict()).isEqualTo(Verdict.ALLOW));
    }
}
