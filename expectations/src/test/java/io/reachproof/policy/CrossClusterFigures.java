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
        if (args.length > 0 && args[0].equals("lab")) {
            lab();
            return;
        }
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

    /**
     * The loopback lab's {@code lab-policies}: 9 agents in 3 clusters, {@code policies/lab}; compile the derivation and
     * decide every cell of every group cell between the members (in and across clusters), 20 times.
     */
    private static void lab() {
        io.reachproof.expectations.ConnectivityExpectation e = new io.reachproof.expectations.ExpectationReader()
                .read(java.nio.file.Path.of("expectations/examples/lab-policies.yaml")).expectations().get(0);
        PolicyInput policies = PolicyInputReader.read(List.of(java.nio.file.Path.of("expectations/examples/policies/lab")),
                List.of()).input();
        List<String> clusters = List.of("aws-lab", "gcp-lab", "azure-lab");
        List<String> roles = List.of("frontend", "checkout", "payments");
        List<io.reachproof.expectations.Endpoint> fleet = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            String role = roles.get(i / 3);
            String ns = role.equals("payments") ? "payments" : "shop";
            fleet.add(io.reachproof.expectations.Endpoint.pod(role + "-" + i, clusters.get(i % 3), "aws", ns,
                    java.util.Map.of("kubernetes.io/metadata.name", ns, "team", ns), role + "-" + i,
                    java.util.Map.of("app", role), List.of("127.0.1." + (i + 1))).withPorts(List.of(
                    io.reachproof.expectations.PortSpec.of(7001, io.reachproof.protocol.Protocol.TCP),
                    io.reachproof.expectations.PortSpec.of(7002, io.reachproof.protocol.Protocol.UDP))));
        }
        java.util.Map<String, List<io.reachproof.expectations.Endpoint>> members =
                io.reachproof.expectations.ExpectationResolver.membership(e, fleet);
        for (int run = 0; run < 20; run++) {
            long start = System.nanoTime();
            FromPoliciesResolver r = FromPoliciesResolver.compile(e, ClusterPolicies.everywhere(policies),
                    java.util.Map.of("azure-lab", new EgressAddresses(List.of(Cidr.parse("10.199.1.1/32").orElseThrow()))), fleet);
            long compiled = System.nanoTime();
            int across = 0;
            int inside = 0;
            for (FromPoliciesResolver.DerivedGroupCell g : r.groupCells()) {
                for (io.reachproof.expectations.Endpoint f : members.get(g.from())) {
                    for (io.reachproof.expectations.Endpoint t : members.get(g.to())) {
                        if (r.decide(f, t, g.port()).isPresent()) {
                            if (f.cluster().equals(t.cluster())) {
                                inside++;
                            } else {
                                across++;
                            }
                        }
                    }
                }
            }
            long done = System.nanoTime();
            if (run == 0 || run == 19) {
                System.out.printf("lab-policies, 9 agents: compile %.2f ms; %d cells in clusters, %d across decided in %.2f ms%n",
                        (compiled - start) / 1e6, inside, across, (done - compiled) / 1e6);
            }
        }
    }
}
