package io.reachproof.coordinator.telemetry;

import io.reachproof.protocol.CellResult;
import io.reachproof.protocol.EndpointRef;
import io.reachproof.protocol.InconclusiveReason;
import io.reachproof.protocol.Mismatch;
import io.reachproof.protocol.ObservedVerdict;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.PairSummary;
import io.reachproof.protocol.PolicyChange;
import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.RoundReport;
import io.reachproof.protocol.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Round reports shaped like the lab's (DESIGN/common rules: agent i in cluster aws-lab/gcp-lab/azure-lab
 * by i % 3, role frontend/checkout/payments by i / 3), for the telemetry tests.
 */
final class LabReports {

    static final String[] CLUSTERS = {"aws-lab", "gcp-lab", "azure-lab"};
    static final String[] CLOUDS = {"aws", "gcp", "azure"};
    static final String[] REGIONS = {"us-east-1", "europe-west1", "westeurope"};
    static final String[] ROLES = {"frontend", "checkout", "payments"};
    static final String EXPECTATION = "lab";

    private LabReports() {
    }

    static EndpointRef agent(int i) {
        String role = ROLES[(i / 3) % 3];
        String ns = "payments".equals(role) ? "payments" : "shop";
        return new EndpointRef("agent-" + i, CLUSTERS[i % 3], CLOUDS[i % 3], REGIONS[i % 3], "node-" + i, ns,
                role + "-" + i, "127.0.1." + (i + 1));
    }

    /** A lab round: frontend->checkout 7001/TCP + 7003/HTTP allow, checkout->payments 7001/TCP + 7002/UDP
     *  allow, frontend->payments 7001/TCP deny, which is a HOLE for every pair when {@code hole}; a round
     *  with the hole also has one cell it could not prove. A clean round proves every cell. */
    static RoundReport round(String roundId, long startedAt, boolean hole, PolicyChange suspect) {
        List<CellResult> cells = new ArrayList<>();
        List<Mismatch> mismatches = new ArrayList<>();
        for (int f = 0; f < 3; f++) {
            for (int c = 3; c < 6; c++) {
                cells.add(allowed("frontend", f, "checkout", c, 7001, "TCP", "lab.yaml:14"));
                cells.add(allowed("frontend", f, "checkout", c, 7003, "HTTP", "lab.yaml:14"));
            }
        }
        for (int c = 3; c < 6; c++) {
            for (int p = 6; p < 9; p++) {
                cells.add(allowed("checkout", c, "payments", p, 7001, "TCP", "lab.yaml:18"));
                cells.add(allowed("checkout", c, "payments", p, 7002, "UDP", "lab.yaml:18"));
            }
        }
        for (int f = 0; f < 3; f++) {
            for (int p = 6; p < 9; p++) {
                CellResult cell = hole
                        ? new CellResult("frontend", agent(f), "payments", agent(p), 7001, Protocol.TCP, Verdict.DENY,
                                ObservedVerdict.ALLOW, null, Outcome.CONNECTED, 1, latency(f, p), "lab.yaml:22", null)
                        : new CellResult("frontend", agent(f), "payments", agent(p), 7001, Protocol.TCP, Verdict.DENY,
                                ObservedVerdict.DENY, null, Outcome.TIMEOUT, 3, 1_000_000, "lab.yaml:22", null);
                cells.add(cell);
                if (hole) {
                    mismatches.add(new Mismatch(cell, suspect));
                }
            }
        }
        if (hole) {
            // one cell the coordinator could not prove: counted as lost coverage, never a mismatch
            cells.add(new CellResult("checkout", agent(3), "payments", agent(8), 7003, Protocol.HTTP, Verdict.DENY,
                    ObservedVerdict.INCONCLUSIVE, InconclusiveReason.NO_RESULT, null, 0, 0, "lab.yaml:18", null));
        }
        double coverage = (cells.size() - (hole ? 1 : 0)) / (double) cells.size();
        return new RoundReport(roundId, EXPECTATION, startedAt, startedAt + 1_250, true, null, cells, mismatches,
                coverage, List.of(new PairSummary("frontend", "payments", hole ? 9 : 0, hole ? 0 : 9, 0,
                        hole ? 9 : 0, 0)),
                List.of(), Map.of("live", 8, "lost", 1, "gone", 0), suspect);
    }

    static PolicyChange change(String name, long at) {
        return new PolicyChange("aws-lab", "payments", name, "uid-" + name, "42", "MODIFIED", at);
    }

    private static CellResult allowed(String fromGroup, int from, String toGroup, int to, int port, String protocol,
            String rule) {
        return new CellResult(fromGroup, agent(from), toGroup, agent(to), port, Protocol.parse(protocol), Verdict.ALLOW,
                ObservedVerdict.ALLOW, null, Outcome.CONNECTED, 1, latency(from, to), rule, null);
    }

    /** 150µs .. ~2ms, different per pair so the histogram has spread. */
    static long latency(int from, int to) {
        return 150 + (from * 9L + to) * 23;
    }
}
