package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.reachproof.cli.dataplane.Shell;
import io.reachproof.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reachproof conformance} end to end on a lab cluster of network namespaces whose CNI profile is
 * enforcement-lag with a 3 s lag (short, to keep the test quick): every feature passes once the rules landed, except
 * the enforcement delay, measured at about the lag: exactly the profile's documented deviation. The other profiles'
 * reports are what {@code scripts/bench-lag} prints; their signatures on real packets are proved by CniProfilesIT.
 */
class ConformanceIT {

    @TempDir
    Path dir;

    @Test
    void aLaggingClusterFailsExactlyTheEnforcementDelayMeasuredAtItsLag() throws Exception {
        Assumptions.assumeTrue(Shell.whyNoDataplane().isEmpty(), () -> "conformance on a lab cluster "
                + Shell.whyNoDataplane().orElse(""));
        String prefix = "rpc" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xFFFF));
        Path clusters = Files.writeString(dir.resolve("clusters.yaml"),
                "clusters:\n- {name: quick-lag, profile: enforcement-lag, lag: 3s}\n");
        CliRun cli = new CliRun();

        int exit = cli.run("conformance", "--cluster", "quick-lag", "--clusters", clusters.toString(), "--format", "json",
                "--netns-prefix", prefix, "--lab-dir", dir.toString());

        assertThat(exit).as(cli.err()).isEqualTo(Main.EXIT_FAILED);
        JsonNode report = Json.mapper().readTree(cli.out());
        Map<String, String> status = new LinkedHashMap<>();
        report.get("features").forEach(f -> status.put(f.get("feature").asText(), f.get("status").asText()));
        assertThat(status).containsExactly(Map.entry("ingress", "pass"), Map.entry("egress", "pass"),
                Map.entry("namespace-selector", "pass"), Map.entry("pod-selector", "pass"), Map.entry("named-ports", "pass"),
                Map.entry("end-port", "pass"), Map.entry("ipblock-except", "pass"), Map.entry("ipblock-pods", "pass"),
                Map.entry("udp", "pass"), Map.entry("sctp", "not supported"), Map.entry("deny-drops", "pass"), Map.entry("enforcement-delay", "fail"));
        assertThat(report.get("deviations").toString()).isEqualTo("[\"enforcement-delay\"]");
        assertThat(report.get("asDocumented").asBoolean()).isTrue();
        // the rules of the suite's new pods landed after the lag, and so did the changed policy's
        assertThat(report.get("settleMillis").asLong()).isGreaterThanOrEqualTo(2_800);
        String delay = report.get("features").get(11).get("evidence").asText();
        List<Long> windows = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("enforced after (\\d+) ms").matcher(delay);
        while (m.find()) {
            windows.add(Long.parseLong(m.group(1)));
        }
        assertThat(windows).as(delay).hasSize(2).allSatisfy(w -> assertThat(w).isBetween(2_800L, 8_000L));
        assertThat(Arrays.stream(Shell.run(null, "ip", "netns", "list").split("\n")).map(l -> l.strip().split(" ")[0])
                .filter(n -> n.startsWith(prefix + "-")).toList()).as("namespaces left").isEmpty();
    }
}
