package io.reachproof.coordinator.testing;

import io.reachproof.protocol.CellResult;
import io.reachproof.protocol.EndpointRef;
import io.reachproof.protocol.InconclusiveReason;
import io.reachproof.protocol.Mismatch;
import io.reachproof.protocol.ObservedVerdict;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.PolicyChange;
import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.RoundReport;
import io.reachproof.protocol.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Round reports shaped like the lab fleet's, for tests of rollback signals and the gate. */
public final class RoundReports {

    public static final String ALLOW = "allow";
    public static final String DENY = "deny";

    private RoundReports() {
    }

    public static Builder round(String expectation, String roundId, long startedAtEpochMillis) {
        return new Builder(expectation, roundId, startedAtEpochMillis);
    }

    public static EndpointRef agent(String group, String cluster, int index) {
        String namespace = group.equals("payments") ? "payments" : "shop";
        String pod = group + "-" + cluster + "-" + index;
        String cloud = cluster.substring(0, cluster.indexOf('-'));
        return new EndpointRef(cluster + "/" + pod, cluster, cloud, cloud + "-region", "node-" + index, namespace,
                pod, "127.0.1." + (index + 1));
    }

    public static PolicyChange change(String namespace, String name) {
        return new PolicyChange("gcp-lab", namespace, name, "uid-" + name, "42", "MODIFIED", 500L);
    }

    public static final class Builder {
        private final String expectation;
        private final String roundId;
        private final long startedAt;
        private long finishedAt;
        private boolean complete = true;
        private String traceId;
        private PolicyChange suspect;
        private String fromCluster = "aws-lab";
        private String toCluster = "gcp-lab";
        private int agentIndex;
        private final List<CellResult> cells = new ArrayList<>();

        Builder(String expectation, String roundId, long startedAt) {
            this.expectation = expectation;
            this.roundId = roundId;
            this.startedAt = startedAt;
            this.finishedAt = startedAt + 800;
        }

        public Builder finishedAt(long epochMillis) {
            this.finishedAt = epochMillis;
            return this;
        }

        public Builder incomplete() {
            this.complete = false;
            return this;
        }

        public Builder traceId(String id) {
            this.traceId = id;
            return this;
        }

        public Builder suspect(PolicyChange change) {
            this.suspect = change;
            return this;
        }

        /** Following cells go from {@code from} to {@code to}. */
        public Builder clusters(String from, String to) {
            this.fromCluster = from;
            this.toCluster = to;
            return this;
        }

        /** Following cells use agents with this index (other pods of the same groups). */
        public Builder agents(int index) {
            this.agentIndex = index;
            return this;
        }

        /** A cell with the given expected and observed verdict; the outcome follows from them. */
        public Builder cell(String fromGroup, String toGroup, int port, String protocol, String expected,
                ObservedVerdict observed) {
            Outcome outcome = switch (observed) {
                case ALLOW -> Outcome.CONNECTED;
                case DENY -> Outcome.TIMEOUT;
                case INCONCLUSIVE -> null;
            };
            InconclusiveReason reason = observed == ObservedVerdict.INCONCLUSIVE ? InconclusiveReason.TARGET_LOST : null;
            cells.add(new CellResult(fromGroup, agent(fromGroup, fromCluster, agentIndex), toGroup,
                    agent(toGroup, toCluster, agentIndex), port, Protocol.parse(protocol), Verdict.parse(expected), observed, reason, outcome,
                    observed == ObservedVerdict.DENY ? 3 : 1, 250, "lab.yaml:" + ruleLine(fromGroup, toGroup), null));
            return this;
        }

        public Builder ok(String fromGroup, String toGroup, int port) {
            return cell(fromGroup, toGroup, port, "TCP", ALLOW, ObservedVerdict.ALLOW);
        }

        public Builder denied(String fromGroup, String toGroup, int port) {
            return cell(fromGroup, toGroup, port, "TCP", DENY, ObservedVerdict.DENY);
        }

        public Builder hole(String fromGroup, String toGroup, int port) {
            return cell(fromGroup, toGroup, port, "TCP", DENY, ObservedVerdict.ALLOW);
        }

        public Builder blocked(String fromGroup, String toGroup, int port) {
            return cell(fromGroup, toGroup, port, "TCP", ALLOW, ObservedVerdict.DENY);
        }

        public Builder inconclusive(String fromGroup, String toGroup, int port, String expected) {
            return cell(fromGroup, toGroup, port, "TCP", expected, ObservedVerdict.INCONCLUSIVE);
        }

        public RoundReport build() {
            List<Mismatch> mismatches = new ArrayList<>();
            for (CellResult c : cells) {
                if (Mismatch.isMismatch(c)) {
                    mismatches.add(new Mismatch(c, suspect));
                }
            }
            long proven = cells.stream().filter(c -> c.observed() != ObservedVerdict.INCONCLUSIVE).count();
            double coverage = cells.isEmpty() ? 0 : (double) proven / cells.size();
            return new RoundReport(roundId, expectation, startedAt, finishedAt, complete, traceId, cells, mismatches,
                    coverage, List.of(), List.of(), Map.of("live", 9), suspect);
        }

        private static int ruleLine(String fromGroup, String toGroup) {
            return switch (fromGroup + "->" + toGroup) {
                case "frontend->checkout" -> 20;
                case "checkout->payments" -> 26;
                case "frontend->payments" -> 32;
                default -> 40;
            };
        }
    }
}
