package io.reachproof.cli;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.reachproof.coordinator.kube.KubernetesClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollback figures ({@code scripts/bench-rollback}, not part of the suite): in the dataplane lab with rollback
 * {@code apply}, 10 breaking changes (each a new policy opening payments to every namespace), each timed from its
 * create to the first round that started after it and proves the deny again (every cell proven, no mismatch), and to
 * the policy's deletion by the coordinator, and to the moment the dataplane drops frontend -> payments again (a TCP
 * connect from the frontend pod's network namespace every 50 ms, 250 ms timeout: that is the resolution). Written to
 * {@code target/rollback-figures.txt}.
 */
class RollbackFigures {

    @TempDir
    Path dir;

    @Test
    void timeFromABreakingChangeToRestoredReachability() throws Exception {
        String prefix = DataplaneLabIT.labPrefix("rpb");
        int port = DataplaneLabIT.freePort();
        LabCommand lab = new LabCommand();
        CliRun cli = new CliRun();
        CompletableFuture<Integer> exit = DataplaneRollbackIT.startLab(lab, cli, dir, prefix, port);
        HttpClient http = HttpClient.newHttpClient();
        List<Long> restored = new ArrayList<>();
        List<Long> deleted = new ArrayList<>();
        List<Long> opened = new ArrayList<>();
        List<Long> dropped = new ArrayList<>();
        await().atMost(Duration.ofSeconds(120)).until(() -> DataplaneRollbackIT.clean(DataplaneRollbackIT.latest(http, port)));
        try (KubernetesClient gcp = KubernetesClients.connect(dir.resolve("gcp-lab.kubeconfig"), null)) {
            var policies = gcp.network().v1().networkPolicies().inNamespace("payments");
            String payments = gcp.pods().inNamespace("payments").withName("payments").get().getStatus().getPodIP();
            Wire wire = new Wire(prefix + "-gcp-lab-shop-frontend", payments, 7001);
            wire.start();
            try {
                for (int i = 1; i <= 10; i++) {
                    String name = "payments-open-" + i;
                    long at = System.currentTimeMillis();
                    policies.resource(DataplaneRollbackIT.opening(name)).create();
                    long[] gone = {0};
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
                        if (gone[0] == 0 && policies.withName(name).get() == null) {
                            gone[0] = System.currentTimeMillis();
                        }
                        var r = DataplaneRollbackIT.latest(http, port);
                        return gone[0] != 0 && DataplaneRollbackIT.clean(r) && r.get("startedAtEpochMillis").asLong() > gone[0];
                    });
                    var r = DataplaneRollbackIT.latest(http, port);
                    restored.add(r.get("finishedAtEpochMillis").asLong() - at);
                    deleted.add(gone[0] - at);
                    long open = wire.firstAfter(at, true);
                    opened.add(open - at);
                    dropped.add(wire.firstAfter(open, false) - at);
                    Thread.sleep(3_000); // the follow-up rounds of the change settle before the next one
                }
            } finally {
                wire.interrupt();
            }
        } finally {
            lab.stop.countDown();
            exit.get(60, TimeUnit.SECONDS);
        }
        String figures = "breaking change -> enforced (frontend connects to payments)      " + summary(opened) + "\n"
                + "breaking change -> policy restored (deleted by the coordinator)  " + summary(deleted) + "\n"
                + "breaking change -> reachability restored (the connect drops)     " + summary(dropped) + "\n"
                + "breaking change -> a round proves the deny again                 " + summary(restored) + "\n"
                + "  (10 changes; reachability restored after " + dropped + " ms; proven after " + restored + " ms)\n";
        Files.writeString(Path.of("target", "rollback-figures.txt"), figures);
        System.out.print(figures);
    }

    private static String summary(List<Long> ms) {
        List<Long> sorted = new ArrayList<>(ms);
        Collections.sort(sorted);
        long median = (sorted.get(4) + sorted.get(5)) / 2;
        return "median " + median + " ms  min " + sorted.get(0) + " ms  max " + sorted.get(sorted.size() - 1) + " ms";
    }

    /** TCP connects from a pod's network namespace every 50 ms; remembers when each attempt ended and whether it connected. */
    private static final class Wire extends Thread {
        private final List<long[]> seen = Collections.synchronizedList(new ArrayList<>());
        private final String netns;
        private final String address;
        private final int port;

        Wire(String netns, String address, int port) {
            super("rollback-figures-wire");
            setDaemon(true);
            this.netns = netns;
            this.address = address;
            this.port = port;
        }

        @Override
        public void run() {
            while (!isInterrupted()) {
                try {
                    Process p = new ProcessBuilder("ip", "netns", "exec", netns, "timeout", "0.25", "bash", "-c",
                            "exec 3<>/dev/tcp/" + address + "/" + port).redirectErrorStream(true).start();
                    p.getInputStream().readAllBytes();
                    boolean connected = p.waitFor() == 0;
                    seen.add(new long[] {System.currentTimeMillis(), connected ? 1 : 0});
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }

        /** When the first attempt that ended after {@code after} connected ({@code connected}) or did not. */
        long firstAfter(long after, boolean connected) {
            synchronized (seen) {
                return seen.stream().filter(s -> s[0] > after && (s[1] == 1) == connected).mapToLong(s -> s[0]).findFirst()
                        .orElseThrow(() -> new AssertionError("the wire never " + (connected ? "connected" : "dropped")
                                + " after " + after));
            }
        }
    }
}
