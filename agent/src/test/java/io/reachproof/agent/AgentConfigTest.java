package io.reachproof.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.reachproof.protocol.Responder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {

    private static Map<String, String> downwardApi() {
        Map<String, String> env = new HashMap<>();
        env.put("REACHPROOF_CLUSTER", "gcp-prod");
        env.put("REACHPROOF_CLOUD", "gcp");
        env.put("REACHPROOF_REGION", "europe-west1");
        env.put("POD_NAME", "reachproof-agent-x7k2p");
        env.put("POD_NAMESPACE", "reachproof");
        env.put("NODE_NAME", "gke-node-3");
        env.put("POD_IP", "10.4.2.17");
        env.put("PATH", "/usr/bin");
        return env;
    }

    @Test
    void downwardApiEnvironmentMakesTheIdentity() {
        AgentConfig config = AgentConfig.fromEnv(downwardApi());

        assertThat(config.identity().agentId()).isEqualTo("reachproof/reachproof-agent-x7k2p");
        assertThat(config.identity().cluster()).isEqualTo("gcp-prod");
        assertThat(config.identity().cloud()).isEqualTo("gcp");
        assertThat(config.identity().region()).isEqualTo("europe-west1");
        assertThat(config.identity().node()).isEqualTo("gke-node-3");
        assertThat(config.identity().namespace()).isEqualTo("reachproof");
        assertThat(config.identity().pod()).isEqualTo("reachproof-agent-x7k2p");
        assertThat(config.identity().addresses()).containsExactly("10.4.2.17");
        assertThat(config.identity().responders())
                .containsExactly(new Responder(7001, "TCP"), new Responder(7002, "UDP"), new Responder(7003, "HTTP"));
        assertThat(config.bindAddress()).isEqualTo("0.0.0.0");
    }

    @Test
    void explicitIdBindAndRespondersWin() {
        Map<String, String> env = downwardApi();
        env.put("REACHPROOF_AGENT_ID", "agent-7");
        env.put("REACHPROOF_BIND", "127.0.3.4");
        env.put("REACHPROOF_RESPONDERS", "8001/tcp, 8002/UDP");

        AgentConfig config = AgentConfig.fromEnv(env);

        assertThat(config.identity().agentId()).isEqualTo("agent-7");
        assertThat(config.bindAddress()).isEqualTo("127.0.3.4");
        assertThat(config.identity().responders()).containsExactly(new Responder(8001, "TCP"), new Responder(8002, "UDP"));
    }

    @Test
    void missingClusterNamesTheKeyAndTheFlag() {
        Map<String, String> env = downwardApi();
        env.remove("REACHPROOF_CLUSTER");

        assertThatThrownBy(() -> AgentConfig.fromEnv(env)).hasMessage("REACHPROOF_CLUSTER (--cluster) is required");
    }

    @Test
    void missingIdWithoutPodNameIsAnError() {
        Map<String, String> env = downwardApi();
        env.remove("POD_NAME");

        assertThatThrownBy(() -> AgentConfig.fromEnv(env))
                .hasMessage("REACHPROOF_AGENT_ID (--id) is required (or POD_NAMESPACE and POD_NAME)");
    }

    @Test
    void badValuesNameTheirKey() {
        Map<String, String> env = downwardApi();
        env.put("REACHPROOF_BIND", "localhost");
        assertThatThrownBy(() -> AgentConfig.fromEnv(env))
                .hasMessage("REACHPROOF_BIND (--bind) must be an IP address: 'localhost'");

        env.put("REACHPROOF_BIND", "0.0.0.0");
        env.put("POD_IP", "10.4.2");
        assertThatThrownBy(() -> AgentConfig.fromEnv(env)).hasMessage("POD_IP (--pod-ip) must be an IP address: '10.4.2'");
    }

    @Test
    void badRespondersNameTheItem() {
        assertThatThrownBy(() -> AgentConfig.parseResponders("7001/TCP,7002/SCTP"))
                .hasMessage("REACHPROOF_RESPONDERS (--responders): bad responder '7002/SCTP': expected PORT/PROTOCOL "
                        + "with PORT in 1..65535 and PROTOCOL one of TCP, UDP, HTTP");
        assertThatThrownBy(() -> AgentConfig.parseResponders("70000/TCP"))
                .hasMessageContaining("bad responder '70000/TCP'");
        assertThatThrownBy(() -> AgentConfig.parseResponders("7001/TCP,7001/HTTP"))
                .hasMessage("REACHPROOF_RESPONDERS (--responders): port 7001 is used twice ('7001/HTTP')");
        assertThat(AgentConfig.parseResponders("7001/TCP,7001/UDP")).hasSize(2);
        assertThat(List.of(AgentConfig.Key.values())).extracting(AgentConfig.Key::env).doesNotHaveDuplicates();
    }

    @Test
    void labelsComeFromTheDownwardApiFileWithEnvironmentLabelsOnTop(@TempDir Path dir) throws IOException {
        Path labels = dir.resolve("labels");
        Files.writeString(labels, "app=\"frontend\"\ntier=\"web\"\nnote=\"say \\\"hi\\\"\"\n");
        Map<String, String> env = downwardApi();
        env.put("REACHPROOF_POD_LABELS_FILE", labels.toString());
        env.put("REACHPROOF_POD_LABELS", "tier=api, track=canary");
        env.put("REACHPROOF_NAMESPACE_LABELS", "team=shop");

        AgentConfig config = AgentConfig.fromEnv(env);

        assertThat(config.identity().podLabels()).containsOnly(
                entry("app", "frontend"), entry("tier", "api"), entry("note", "say \"hi\""), entry("track", "canary"));
        assertThat(config.identity().namespaceLabels()).containsOnly(
                entry("kubernetes.io/metadata.name", "reachproof"), entry("team", "shop"));
    }

    @Test
    void badLabelsNameTheKeyAndTheLine(@TempDir Path dir) throws IOException {
        Map<String, String> env = downwardApi();
        env.put("REACHPROOF_POD_LABELS", "app");
        assertThatThrownBy(() -> AgentConfig.fromEnv(env))
                .hasMessage("REACHPROOF_POD_LABELS (--pod-labels): bad label 'app': expected KEY=VALUE");

        Path labels = dir.resolve("labels");
        Files.writeString(labels, "app=\"frontend\"\ntier=web\n");
        Map<String, String> fromFile = downwardApi();
        fromFile.put("REACHPROOF_POD_LABELS_FILE", labels.toString());
        assertThatThrownBy(() -> AgentConfig.fromEnv(fromFile))
                .hasMessage("REACHPROOF_POD_LABELS_FILE (--pod-labels-file) " + labels + ":2: expected key=\"value\", got 'tier=web'");

        fromFile.put("REACHPROOF_POD_LABELS_FILE", dir.resolve("missing").toString());
        assertThatThrownBy(() -> AgentConfig.fromEnv(fromFile))
                .hasMessageStartingWith("REACHPROOF_POD_LABELS_FILE (--pod-labels-file): cannot read '" + dir.resolve("missing") + "'");
    }
}
