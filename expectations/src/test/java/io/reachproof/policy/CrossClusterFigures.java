package io.reachproof.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * How long deriving every cell of several clusters takes, cells across clusters included ({@link MultiClusterTable}:
 * each cross-cluster cell judged on addresses by both sides' rules). Not part of the suite: run {@link #main}
 * ({@code CLUSTERS PODS POLICIES}, default 3 300 60); it prints the cells in and across clusters and the times.
 */
final class CrossClusterFigures {

    private CrossClusterFigures() {
    }

    public static void main(String[] args) {
        int clusters = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int pods = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        int policies = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        for (int run = 0; run < 3; run++) {
            long start = System.nanoTime();
            List<MultiClusterTable.Member> members = new ArrayList<>();
            for (int c = 0; c < clusters; c++) {
                TruthTable table = RandomNetwork.large(1000 + c, 10, pods, policies).table();
                members.add(new MultiClusterTable.Member("c" + c, table, c == 0
                        ? new EgressAddresses(List.of(Cidr.parse("10.0.0.0/30").orElseThrow(), Cidr.parse("192.0.2.7/32")
                                .orElseThrow()))
                        : EgressAddresses.POD_IP));
            }
            MultiClusterTable all = new MultiClusterTable(members);
            long compiled = System.nanoTime();
            long[] counts = new long[4];
            List<String> ids = all.pods();
            all.forEachCell((from, to, port, allowed) -> {
                boolean across = !from.substring(0, from.indexOf('/')).equals(to.substring(0, to.indexOf('/')));
                counts[(across ? 2 : 0) + (allowed ? 1 : 0)]++;
            });
            long done = System.nanoTime();
            System.out.printf("%d clusters x %d pods (%d pods), %d policies each: compile %d ms; %d cells in clusters"
                    + " (%d allowed), %d across (%d allowed): all cells %d ms (%.0f ns per cell)%n", clusters, pods,
                    ids.size(), policies, (compiled - start) / 1_000_000, counts[0] + counts[1], counts[1],
                    counts[2] + counts[3], counts[3], (done - compiled) / 1_000_000,
                    (double) (done - compiled) / (counts[0] + counts[1] + counts[2] + counts[3]));
        }
    }
}
