package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AgentCommandTest {

    private final String address = "127." + ThreadLocalRandom.current().nextInt(200, 250) + "."
            + ThreadLocalRandom.current().nextInt(0, 256) + "." + ThreadLocalRandom.current().nextInt(1, 255);
    private final CliRun cli = new CliRun();

    @Test
    void agentAnswersProbesUntilStoppedThenReleasesItsPorts() throws Exception {
        AgentCommand agent = new AgentCommand();
        agent.env = Map.of("REACHPROOF_REGION", "us-east-1");
        CommandLine cmd = cli.wrap(agent);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cmd.execute("--id", "aws-lab/shop/frontend-0",
                "--cluster", "aws-lab", "--cloud", "aws", "--bind", address, "--responders", "7001/TCP,7002/UDP,7003/HTTP"));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(cli.out())
                .contains("self-check 7001/TCP: CONNECTED (identity banner)")
                .contains("self-check 7002/UDP: CONNECTED (echo of the nonce)")
                .contains("self-check 7003/HTTP: CONNECTED (HTTP 200)"));
        assertThat(cli.out()).contains("agent aws-lab/shop/frontend-0 (cluster aws-lab) responders on " + address);
        assertThat(agent.config().identity().region()).isEqualTo("us-east-1");

        agent.stop.countDown();

        assertThat(exit.get(10, TimeUnit.SECONDS)).isEqualTo(0);
        assertThat(cli.out()).contains("agent aws-lab/shop/frontend-0 stopping");
        try (Socket s = new Socket()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.connect(new InetSocketAddress(address, 7001), 1000))
                    .hasMessageContaining("Connection refused");
        }
    }

    @Test
    void missingClusterIsAUsageErrorNamingFlagAndVariable() {
        AgentCommand agent = new AgentCommand();
        agent.env = Map.of();
        int code = cli.wrap(agent).execute("--id", "x", "--cloud", "aws");

        assertThat(code).isEqualTo(2);
        assertThat(cli.err()).contains("REACHPROOF_CLUSTER (--cluster) is required");
    }

    @Test
    void badResponderListIsAUsageError() {
        AgentCommand agent = new AgentCommand();
        agent.env = Map.of();
        int code = cli.wrap(agent).execute("--id", "x", "--cluster", "c", "--cloud", "aws", "--responders", "7001/FTP");

        assertThat(code).isEqualTo(2);
        assertThat(cli.err()).contains("REACHPROOF_RESPONDERS (--responders): bad responder '7001/FTP'");
    }

    @Test
    void portInUseIsAClearErrorWithExitOne() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket()) {
            taken.bind(new InetSocketAddress(address, 7001));
            AgentCommand agent = new AgentCommand();
            agent.env = Map.of();
            CommandLine cmd = cli.wrap(agent);
            cmd.setExecutionExceptionHandler(Main.commandLine().getExecutionExceptionHandler());
            int code = cmd.execute("--id", "x", "--cluster", "c", "--cloud", "aws", "--bind", address, "--responders", "7001/TCP");

            assertThat(code).isEqualTo(1);
            assertThat(cli.err()).contains("cannot bind responder 7001/TCP on " + address + ": ")
                    .contains("Address already in use")
                    .doesNotContain("Exception");
        }
    }
}
