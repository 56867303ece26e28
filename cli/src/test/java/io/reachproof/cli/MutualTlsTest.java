package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reachproof.agent.control.ClientTls;
import io.reachproof.agent.control.HttpControlChannel;
import io.reachproof.coordinator.api.ServerTls;
import io.reachproof.coordinator.assembly.Coordinator;
import io.reachproof.coordinator.assembly.CoordinatorSettings;
import io.reachproof.coordinator.lab.LabFleet;
import io.reachproof.coordinator.round.ExpectationFiles;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.Plan;
import io.reachproof.protocol.RegistrationAck;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS between agents and the coordinator, with certificates made for the test: the coordinator serves
 * HTTPS and requires a client certificate signed by the agents' CA; the agent's control channel presents one.
 */
class MutualTlsTest {

    private static final String KEY = "mutual-tls-agent-key-0123456789abcdefghijk";

    @TempDir
    Path dir;

    private Coordinator coordinator;
    private URI url;
    private TestCertificates serverCa;
    private TestCertificates agentCa;

    @BeforeEach
    void start() throws Exception {
        serverCa = new TestCertificates(dir, "coordinator");
        agentCa = new TestCertificates(dir, "agents");
        Path[] server = serverCa.issue("reachproof-coordinator");
        var sets = ExpectationFiles.load("lab.yaml", java.nio.file.Files.readString(
                Path.of("..", "expectations", "examples", "lab.yaml")));
        CoordinatorSettings settings = CoordinatorSettings.defaults(0, LabFleet.tokens())
                .withPollTimeout(Duration.ofMillis(200));
        settings = settings.withApi(settings.api().withTls(Optional.of(
                new ServerTls(server[0], server[1], Optional.of(agentCa.caFile("agents"))))));
        coordinator = new Coordinator(settings, sets, Clock.systemUTC());
        coordinator.startApi();
        url = coordinator.url();
    }

    @AfterEach
    void stop() {
        coordinator.close();
    }

    private HttpControlChannel channel(ClientTls tls) {
        return new HttpControlChannel(url, () -> LabFleet.token("aws-lab"), "aws-lab", KEY, Json.mapper(),
                Duration.ofSeconds(5), tls);
    }

    @Test
    void anAgentWithACertificateOfTheAgentsCaRegistersAndPollsOverHttps() throws Exception {
        Path[] client = agentCa.issue("frontend-0");
        HttpControlChannel agent = channel(new ClientTls(Optional.of(serverCa.caFile("coordinator")),
                Optional.of(client[0]), Optional.of(client[1])));
        AgentIdentity identity = LabFleet.agent(0);

        assertThat(url.getScheme()).isEqualTo("https");
        RegistrationAck ack = agent.register(identity);
        assertThat(ack.agentId()).isEqualTo(identity.agentId());
        Optional<Plan> plan = agent.poll(identity.agentId(), -1, Duration.ofMillis(200));
        assertThat(plan).hasValueSatisfying(p -> assertThat(p.agentId()).isEqualTo(identity.agentId()));
    }

    @Test
    void withoutAClientCertificateOrWithOneOfAnotherCaTheHandshakeFailsBeforeAnyHttp() throws Exception {
        HttpControlChannel noCertificate = channel(new ClientTls(Optional.of(serverCa.caFile("coordinator")),
                Optional.empty(), Optional.empty()));
        assertThatThrownBy(() -> noCertificate.register(LabFleet.agent(0))).isInstanceOf(IOException.class);

        TestCertificates strangers = new TestCertificates(dir, "strangers");
        Path[] stranger = strangers.issue("intruder");
        HttpControlChannel otherCa = channel(new ClientTls(Optional.of(serverCa.caFile("coordinator")),
                Optional.of(stranger[0]), Optional.of(stranger[1])));
        assertThatThrownBy(() -> otherCa.register(LabFleet.agent(0))).isInstanceOf(IOException.class);

        assertThat(coordinator.registry().snapshot()).isEmpty();
    }

    @Test
    void filesThatMakeNoTlsClientAreNamed() {
        ClientTls broken = new ClientTls(Optional.of(dir.resolve("missing-ca.crt")), Optional.empty(), Optional.empty());

        assertThatThrownBy(broken::sslContext).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TLS file " + dir.resolve("missing-ca.crt") + " cannot be read");
    }
}
