package io.reachproof.cli;

import static io.reachproof.cli.ExternalCommand.onPath;
import static io.reachproof.cli.ExternalCommand.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The container image exists and runs: {@code scripts/build-image} builds it with no daemon (Jib on a jlink base made
 * here), skopeo reads the OCI archive, and podman starts it in a real OCI runtime (runc): {@code reachproof --help},
 * then an agent in the host network namespace whose responders, on a 127.0.0.0/8 address, answer probes from here.
 *
 * <p>Why runc and the explicit ulimits: this sandbox withholds CAP_SYS_RESOURCE and caps the hard limits (open files
 * 20000). Podman 4.3 as root writes RLIMIT_NOFILE=1048576 and RLIMIT_NPROC=32768 into the container's spec, and the
 * runtime's setrlimit fails ("setrlimit RLIMIT_NOFILE/NPROC: Operation not permitted"); limits at or below the
 * current hard ones are always allowed, so {@code --ulimit} sets them (containers.conf {@code default_ulimits} does
 * the same for every container). crun 1.8 refuses this host's hybrid cgroups (controllers in both v1 and v2); runc
 * 1.1 starts containers on the v1 hierarchy.
 *
 * <p>Building the image runs Maven again (jar, shade, jlink, Jib): about 1-2 minutes on two cores.
 */
class ContainerImageIT {

    private static final Path ROOT = ProjectVersion.ROOT;
    private static final Path IMAGE_TAR = ROOT.resolve("cli/target/reachproof-image.tar");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Lowering limits needs no privilege; podman's defaults would raise them (see the class comment). */
    private static final List<String> RUN = List.of("podman", "--runtime", "runc", "run", "--ulimit", "nofile=4096:4096",
            "--ulimit", "nproc=4096:4096", "--read-only", "--network");

    private static String digest;
    private static String imageId;

    @BeforeAll
    static void buildTheImage() throws Exception {
        assumeThat(System.getProperty("os.name")).as("container images run on Linux only").isEqualTo("Linux");
        List<String> missing = Stream.of("podman", "runc", "skopeo", "jlink", "jdeps", "git")
                .filter(tool -> onPath(tool) == null).toList();
        assumeThat(missing).as("missing on PATH: %s (Debian packages podman, runc, skopeo, openjdk-17-jdk-headless, git:"
                + " scripts/test installs them as root); the image is not built or run here", missing).isEmpty();
        assumeThat(Files.readString(Path.of("/proc/self/status"))).as("podman needs root here (rootless podman needs"
                + " subordinate uids and a user namespace the sandbox may not give); the image is not run")
                .containsPattern("(?m)^Uid:\\s+0\\s");

        ExternalCommand.Result build = run(Duration.ofMinutes(10), ROOT.resolve("scripts/build-image").toString());
        assertThat(build.code()).as("scripts/build-image:\n%s", build.output()).isZero();
        Matcher printed = Pattern.compile("(?m)^digest: (sha256:[0-9a-f]{64})$").matcher(build.output());
        assertThat(printed.find()).as("scripts/build-image prints the digest:\n%s", build.output()).isTrue();
        digest = printed.group(1);
        assertThat(build.output()).contains("image:  reachproof/reachproof:" + ProjectVersion.current());

        ExternalCommand.Result load = run(Duration.ofMinutes(2), "podman", "load", "--quiet", "--input", IMAGE_TAR.toString());
        assertThat(load.code()).as("podman load: %s", load.output()).isZero();
        Matcher loaded = Pattern.compile("Loaded image(?:\\(s\\))?: (\\S+)").matcher(load.output());
        assertThat(loaded.find()).as("podman load names the image: %s", load.output()).isTrue();
        imageId = loaded.group(1);
    }

    @AfterAll
    static void removeTheLoadedImage() throws Exception {
        if (imageId != null) {
            run(Duration.ofMinutes(1), "podman", "rmi", "--force", imageId);
        }
    }

    @Test
    void skopeoReadsTheOciArchiveWithItsLabelsUserEntrypointAndEpochCreationTime() throws Exception {
        ExternalCommand.Result inspect = run(Duration.ofMinutes(1), "skopeo", "inspect", "oci-archive:" + IMAGE_TAR);
        ExternalCommand.Result config = run(Duration.ofMinutes(1), "skopeo", "inspect", "--config", "oci-archive:" + IMAGE_TAR);
        assertThat(inspect.code()).as(inspect.output()).isZero();
        assertThat(config.code()).as(config.output()).isZero();
        JsonNode image = JSON.readTree(inspect.output());
        JsonNode container = JSON.readTree(config.output()).get("config");

        assertThat(image.get("Digest").asText()).isEqualTo(digest);
        assertThat(image.get("Created").asText()).isEqualTo("1970-01-01T00:00:00Z");
        assertThat(image.get("Labels").get("org.opencontainers.image.version").asText()).isEqualTo(ProjectVersion.current());
        assertThat(image.get("Labels").get("org.opencontainers.image.revision").asText()).matches("[0-9a-f]{40}");
        assertThat(image.get("Labels").get("org.opencontainers.image.source").asText()).startsWith("https://");
        assertThat(container.get("User").asText()).isEqualTo("65532:65532");
        List<String> entrypoint = new ArrayList<>();
        container.get("Entrypoint").forEach(e -> entrypoint.add(e.asText()));
        assertThat(entrypoint).startsWith("java").contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError")
                .endsWith("io.reachproof.cli.Main");
        System.out.printf("image %s: %d layers, %d bytes (OCI archive)%n", digest, image.get("Layers").size(),
                Files.size(IMAGE_TAR));
    }

    @Test
    void helpRunsFromTheImageInARealOciRuntime() throws Exception {
        List<String> help = new ArrayList<>(RUN);
        help.addAll(List.of("none", "--rm", imageId, "--help"));

        ExternalCommand.Result result = run(Duration.ofMinutes(2), help.toArray(String[]::new));

        assertThat(result.code()).as(result.output()).isZero();
        assertThat(result.output()).contains("Usage: reachproof").contains("agent").contains("coordinator");
    }

    @Test
    void anAgentInTheImageAnswersProbesFromTheHost() throws Exception {
        String address = "127." + ThreadLocalRandom.current().nextInt(200, 250) + "."
                + ThreadLocalRandom.current().nextInt(1, 250) + "." + ThreadLocalRandom.current().nextInt(2, 250);
        String name = "reachproof-image-it-" + ThreadLocalRandom.current().nextInt(1_000_000);
        List<String> agent = new ArrayList<>(RUN);
        agent.addAll(List.of("host", "--detach", "--name", name, "--env", "REACHPROOF_CLOUD=lab", "--env",
                "REACHPROOF_REGION=here", "--env", "NODE_NAME=node-1", imageId, "agent", "--id", "image/agent-0",
                "--cluster", "image-lab", "--bind", address, "--responders", "7001/TCP,7002/UDP,7003/HTTP"));
        long started = System.nanoTime();
        ExternalCommand.Result start = run(Duration.ofMinutes(1), agent.toArray(String[]::new));
        try {
            assertThat(start.code()).as("podman run: %s", start.output()).isZero();

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> probe("--timeout", "200ms", "tcp://" + address + ":7001").contains("CONNECTED"));
            long firstAnswerMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            // the responders bind one after the other: the first answer is not yet all three
            String[] all = {"--timeout", "2s", "--expect-id", "image/agent-0", "tcp://" + address + ":7001",
                "udp://" + address + ":7002", "http://" + address + ":7003/reachproof/identity"};
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> probe(all).contains("CONNECTED 3"));
            String answers = probe(all);

            assertThat(answers).contains("CONNECTED 3");
            ExternalCommand.Result pid = run(Duration.ofSeconds(30), "podman", "inspect", "--format", "{{.State.Pid}}", name);
            String status = Files.readString(Path.of("/proc", pid.output().trim(), "status"));
            assertThat(status).containsPattern("(?m)^Uid:\\s+65532\\s");
            Matcher rss = Pattern.compile("(?m)^VmRSS:\\s+(\\d+) kB").matcher(status);
            assertThat(rss.find()).isTrue();
            System.out.printf("agent in the image: first answered probe %d ms after podman run, RSS %d MiB%n",
                    firstAnswerMs, Long.parseLong(rss.group(1)) / 1024);
        } finally {
            run(Duration.ofMinutes(1), "podman", "rm", "--force", "--time", "5", name);
        }
    }

    private static String probe(String... args) {
        CliRun cli = new CliRun();
        List<String> line = new ArrayList<>(List.of("probe"));
        line.addAll(List.of(args));
        cli.run(line.toArray(String[]::new));
        return cli.out();
    }
}
