package io.reachproof.coordinator.assembly;

import io.reachproof.coordinator.signal.RollbackSignal;
import io.reachproof.coordinator.signal.SignalTracker;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.reachproof.coordinator.kube.NetworkPolicyWatch;
import io.reachproof.coordinator.signal.SignalTracker.Confirmations;
import io.reachproof.coordinator.round.LoadedExpectation;
import io.reachproof.coordinator.round.PoliciesInForce;
import io.reachproof.expectations.ConnectivityExpectation;
import io.reachproof.expectations.ExpectationReader;
import io.reachproof.expectations.ExpectationResolver;
import io.reachproof.protocol.PolicyChange;
import io.reachproof.protocol.RoundReport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The wiring into a real coordinator: its HTTP server serves the gate, a policy change runs a round at once. */
@EnableKubernetesMockClient(crud = true)
class RollbackWiringTest {

    KubernetesClient client;

    private static LoadedExpectation lab() {
        ConnectivityExpectation e = new ExpectationReader()
                .read(Path.of(System.getProperty("user.dir")).getParent().resolve("expectations/examples/lab.yaml"))
                .expectations().get(0);
        return new LoadedExpectation(e, ExpectationResolver.groupCells(e), Optional.empty());
    }

    @Test
    @SuppressWarnings("try") // the wiring and the watch act through the coordinator
    void theCoordinatorServesTheGateAndAPolicyChangeRunsARoundWithItAsTheSuspect() throws Exception {
        List<RollbackSignal> sent = new ArrayList<>();
        CoordinatorSettings settings = CoordinatorSettings.defaults(0, Map.of("gcp-lab", "t0ken")).withScheduled(false);
        try (Coordinator coordinator = new Coordinator(settings, List.of(lab()), Clock.systemUTC());
                RollbackWiring wiring = RollbackWiring.install(coordinator, List.of(sent::add), Confirmations.DEFAULT,
                        Optional.empty());
                NetworkPolicyWatch watch = NetworkPolicyWatch.start(client, "gcp-lab", Clock.systemUTC(),
                        PoliciesInForce.of(Optional.empty(), List.of("gcp-lab")), coordinator::policyChanged)) {
            assertThat(watch.synced()).isTrue();
            coordinator.start();

            HttpResponse<String> gate = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(coordinator.url() + "/v1/gate?expectation=lab")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(gate.statusCode()).isEqualTo(503);
            assertThat(gate.body()).contains("\"state\":\"pending\"");

            client.resource(new NetworkPolicyBuilder()
                    .withNewMetadata().withNamespace("payments").withName("deny-all").endMetadata()
                    .withNewSpec().withNewPodSelector().endPodSelector().withPolicyTypes("Ingress").endSpec()
                    .build()).create();

            await().atMost(20, SECONDS).until(() -> coordinator.history().latest("lab").isPresent());
            RoundReport report = coordinator.history().latest("lab").orElseThrow();
            PolicyChange suspect = report.suspectChange();
            assertThat(suspect).isNotNull();
            assertThat(suspect.toString()).isEqualTo("ADDED networkpolicy payments/deny-all in gcp-lab");
        }
        assertThat(sent).isEmpty();
    }
}
