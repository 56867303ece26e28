package io.reachproof.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.reachproof.coordinator.assembly.Coordinator;
import io.reachproof.coordinator.assembly.CoordinatorSettings;
import io.reachproof.coordinator.evaluate.RoundEvaluator;
import io.reachproof.coordinator.evaluate.RoundObservations;
import io.reachproof.coordinator.plan.PlannedCell;
import io.reachproof.coordinator.plan.PlannerSettings;
import io.reachproof.coordinator.plan.ProbePlanner;
import io.reachproof.coordinator.plan.RoundPlan;
import io.reachproof.coordinator.registry.AgentState;
import io.reachproof.coordinator.registry.RegisteredAgent;
import io.reachproof.coordinator.round.LoadedExpectation;
import io.reachproof.coordinator.round.RoundTrigger;
import io.reachproof.expectations.ConnectivityExpectation;
import io.reachproof.expectations.FromPolicies;
import io.reachproof.expectations.Group;
import io.reachproof.expectations.GroupCell;
import io.reachproof.expectations.HttpCheck;
import io.reachproof.expectations.LabelSelector;
import io.reachproof.expectations.PortSpec;
import io.reachproof.protocol.Protocol;
import io.reachproof.yaml.SourceRef;
import io.reachproof.protocol.Verdict;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.BatchAck;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.Plan;
import io.reachproof.protocol.PlanRound;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.Responder;
import io.reachproof.protocol.ProtocolV1;
import io.reachproof.protocol.ResultBatch;
import io.reachproof.protocol.RoundReport;
import io.reachproof.protocol.SelfCheckStatus;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Coordinator figures at production size: planning and evaluating a round for 5,000 agents in 50 groups
 * across 6 clusters; result ingestion through the HTTP API on loopback; heap with 5,000 registered agents.
 * Run with {@code scripts/bench-coordinator}.
 */
public final class CoordinatorBench {

    static final int AGENTS = 5000;
    static final int GROUPS = 50;
    static final int CLUSTERS = 6;
    static final SourceRef AT = new SourceRef("bench.yaml", 1, 1);
    static final List<Responder> RESPONDERS = List.of(new Responder(8080, "TCP"), new Responder(8081, "UDP"),
            new Responder(8082, "HTTP"));

    private CoordinatorBench() {
    }

    public static void main(String[] args) throws Exception {
        List<AgentIdentity> fleet = fleet();
        LoadedExpectation set = expectation();
        System.out.printf("fleet: %d agents, %d groups, %d clusters; %d group cells%n", AGENTS, GROUPS, CLUSTERS,
                set.cells().size());
        planning(fleet, set);
        derivedPlanning(fleet);
        long baseline = usedHeap();
        ingestionAndHeap(fleet, set, baseline);
    }

    static List<AgentIdentity> fleet() {
        List<AgentIdentity> all = new ArrayList<>();
        for (int i = 0; i < AGENTS; i++) {
            String cluster = "cluster-" + ((i / GROUPS) % CLUSTERS);
            String app = "g" + (i % GROUPS);
            all.add(new AgentIdentity("agent-" + i, cluster, "cloud-" + (i % 3), "region", "node-" + (i / 10), "ns",
                    "pod-" + i, List.of("10." + (i / 65536) + "." + ((i / 256) % 256) + "." + (i % 256)), Map.of("app", app),
                    Map.of("kubernetes.io/metadata.name", "ns"), RESPONDERS, Set.of()));
        }
        return all;
    }

    /** Every group to the next on 8080/TCP (allow), to the one after on 8081/UDP (deny), to g0 on 8082/HTTP. */
    static LoadedExpectation expectation() {
        Map<String, Group> groups = new LinkedHashMap<>();
        List<GroupCell> cells = new ArrayList<>();
        for (int g = 0; g < GROUPS; g++) {
            groups.put("g" + g, new Group("g" + g, List.of(), null, null,
                    LabelSelector.matchLabels(Map.of("app", "g" + g)), List.of(), AT));
        }
        for (int g = 0; g < GROUPS; g++) {
            cells.add(new GroupCell("g" + g, "g" + ((g + 1) % GROUPS), PortSpec.of(8080, Protocol.TCP), Verdict.ALLOW, AT));
            cells.add(new GroupCell("g" + g, "g" + ((g + 2) % GROUPS), PortSpec.of(8081, Protocol.UDP), Verdict.DENY, AT));
            cells.add(new GroupCell("g" + g, "g0", new PortSpec(8082, Protocol.HTTP, HttpCheck.DEFAULT), Verdict.ALLOW, AT));
        }
        ConnectivityExpectation e = new ConnectivityExpectation("bench", Duration.ofSeconds(30), Optional.empty(), groups,
                List.of(), false, AT, Optional.empty(), AT);
        return new LoadedExpectation(e, cells, Optional.empty());
    }

    static void planning(List<AgentIdentity> fleet, LoadedExpectation set) {
        List<RegisteredAgent> agents = fleet.stream()
                .map(a -> new RegisteredAgent(a, AgentState.LIVE, Instant.EPOCH, Instant.EPOCH, 0, 0)).toList();
        ProbePlanner planner = new ProbePlanner(new PlannerSettings(1, 500, 2, 1000));
        RoundEvaluator evaluator = new RoundEvaluator(2);
        int runs = 30;
        long[] plan = new long[runs];
        long[] eval = new long[runs];
        RoundPlan last = null;
        for (int r = 0; r < runs + 10; r++) {
            long t0 = System.nanoTime();
            RoundPlan p = planner.plan("r" + r, r, "bench", set.expectation().groups(), set.cells(), Optional.empty(), agents);
            long t1 = System.nanoTime();
            Map<String, ProbeResult> results = new HashMap<>();
            for (PlannedCell c : p.cells()) {
                if (c.task() != null) {
                    results.put(c.task().taskId(), new ProbeResult(c.task().taskId(), c.task().taskId(), c.from().agentId(),
                            "r" + r, Outcome.CONNECTED, 100, 1, c.task().expectedAgentId(), "", 0));
                }
            }
            Map<String, AgentState> states = new HashMap<>();
            fleet.forEach(a -> states.put(a.agentId(), AgentState.LIVE));
            long t2 = System.nanoTime();
            evaluator.evaluate(new RoundObservations(p, results, Map.of(), states, Map.of("live", AGENTS), 0, 1, true, Map.of()));
            long t3 = System.nanoTime();
            if (r >= 10) {
                plan[r - 10] = t1 - t0;
                eval[r - 10] = t3 - t2;
            }
            last = p;
        }
        Arrays.sort(plan);
        Arrays.sort(eval);
        int maxTasks = last.tasksByAgent().values().stream().mapToInt(List::size).max().orElse(0);
        System.out.printf("planning a round: %d cells (every group cell x cluster pair), %d probes, at most %d per agent;"
                + " median %.1f ms, p90 %.1f ms (%d runs after warm-up)%n", last.cells().size(), last.taskCount(), maxTasks,
                plan[runs / 2] / 1e6, plan[runs * 9 / 10] / 1e6, runs);
        System.out.printf("evaluating that round: median %.1f ms, p90 %.1f ms%n", eval[runs / 2] / 1e6, eval[runs * 9 / 10] / 1e6);
    }

    /**
     * {@code fromPolicies} over every group: one policy per group (ingress from the previous group on 8080/TCP and
     * from the group two before on 8081/UDP), 50 policies; compiling them for the fleet (what happens when the
     * agent set changes) and planning a round of the derived cells (every group pair x port, inside each cluster).
     */
    static void derivedPlanning(List<AgentIdentity> fleet) {
        Map<String, Group> groups = new LinkedHashMap<>();
        List<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy> policies = new ArrayList<>();
        for (int g = 0; g < GROUPS; g++) {
            groups.put("g" + g, new Group("g" + g, List.of(), null, null,
                    LabelSelector.matchLabels(Map.of("app", "g" + g)), List.of(), AT));
            policies.add(new io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder()
                    .withNewMetadata().withName("g" + g).withNamespace("ns").endMetadata()
                    .withNewSpec().withNewPodSelector().addToMatchLabels("app", "g" + g).endPodSelector()
                    .addNewIngress().addNewFrom().withNewPodSelector().addToMatchLabels("app", "g" + ((g + GROUPS - 1) % GROUPS))
                    .endPodSelector().endFrom().addNewPort().withPort(new io.fabric8.kubernetes.api.model.IntOrString(8080))
                    .withProtocol("TCP").endPort().endIngress()
                    .addNewIngress().addNewFrom().withNewPodSelector().addToMatchLabels("app", "g" + ((g + GROUPS - 2) % GROUPS))
                    .endPodSelector().endFrom().addNewPort().withPort(new io.fabric8.kubernetes.api.model.IntOrString(8081))
                    .withProtocol("UDP").endPort().endIngress()
                    .endSpec().build());
        }
        ConnectivityExpectation e = new ConnectivityExpectation("derived", Duration.ofSeconds(30), Optional.empty(), groups,
                List.of(), true, AT, Optional.of(new FromPolicies(List.of(), List.of(), AT)), AT);
        io.reachproof.policy.PolicyInput input = io.reachproof.policy.PolicyInput.inCode(policies, List.of(), List.of(), "bench");
        List<io.reachproof.expectations.Endpoint> endpoints = fleet.stream().map(ProbePlanner::endpoint).toList();
        List<RegisteredAgent> agents = fleet.stream()
                .map(a -> new RegisteredAgent(a, AgentState.LIVE, Instant.EPOCH, Instant.EPOCH, 0, 0)).toList();
        ProbePlanner planner = new ProbePlanner(new PlannerSettings(1, 500, 2, 1000));
        int runs = 20;
        long[] compile = new long[runs];
        long[] plan = new long[runs];
        RoundPlan last = null;
        io.reachproof.policy.FromPoliciesResolver derived = null;
        for (int r = 0; r < runs + 5; r++) {
            long t0 = System.nanoTime();
            derived = io.reachproof.policy.FromPoliciesResolver.compile(e, input, endpoints);
            long t1 = System.nanoTime();
            last = planner.plan("d" + r, r, "derived", groups, List.of(), Optional.of(derived), agents);
            long t2 = System.nanoTime();
            if (r >= 5) {
                compile[r - 5] = t1 - t0;
                plan[r - 5] = t2 - t1;
            }
        }
        Arrays.sort(compile);
        Arrays.sort(plan);
        long deny = last.cells().stream().filter(c -> c.cell().verdict() == Verdict.DENY).count();
        System.out.printf("fromPolicies over all %d groups, %d policies: compiling for the fleet median %.1f ms, p90 %.1f ms;"
                + " %d derived group cells; planning a round: %d cells (%d expected deny), %d probes, median %.1f ms, p90 %.1f ms%n",
                GROUPS, policies.size(), compile[runs / 2] / 1e6, compile[runs * 9 / 10] / 1e6, derived.groupCells().size(),
                last.cells().size(), deny, last.taskCount(), plan[runs / 2] / 1e6, plan[runs * 9 / 10] / 1e6);
        livePolicyChange(e, policies, endpoints);
    }

    /**
     * The same 50 policies live in cluster-0 ({@code --kubernetes}), the files in the other clusters: what one
     * watch event costs (validating the changed policy, bumping the generation) and what the next round then
     * pays once (the snapshot and compiling every cluster again).
     */
    static void livePolicyChange(ConnectivityExpectation e,
            List<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy> policies,
            List<io.reachproof.expectations.Endpoint> endpoints) {
        io.reachproof.coordinator.round.PoliciesInForce live = io.reachproof.coordinator.round.PoliciesInForce.of(
                Optional.of(io.reachproof.policy.PolicyInput.inCode(policies, List.of(), List.of(), "bench")),
                List.of("cluster-0"));
        live.replace("cluster-0", policies);
        int runs = 200;
        long[] event = new long[runs];
        long[] recompile = new long[runs / 10];
        for (int r = 0; r < runs + 20; r++) {
            var changed = new io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder(policies.get(r % GROUPS))
                    .editMetadata().withResourceVersion(Integer.toString(r)).endMetadata().build();
            long t0 = System.nanoTime();
            live.put("cluster-0", changed);
            long t1 = System.nanoTime();
            if (r >= 20) {
                event[r - 20] = t1 - t0;
            }
            if (r >= 20 && r % 10 == 0) {
                long t2 = System.nanoTime();
                io.reachproof.policy.FromPoliciesResolver.compile(e, live.snapshot().policies(), endpoints);
                recompile[(r - 20) / 10] = System.nanoTime() - t2;
            }
        }
        Arrays.sort(event);
        Arrays.sort(recompile);
        System.out.printf("a live policy change in one cluster: the watch event median %.1f us, p90 %.1f us;"
                + " the next round's snapshot + compile median %.1f ms, p90 %.1f ms%n", event[runs / 2] / 1e3,
                event[runs * 9 / 10] / 1e3, recompile[recompile.length / 2] / 1e6, recompile[recompile.length * 9 / 10] / 1e6);
    }

    static void ingestionAndHeap(List<AgentIdentity> fleet, LoadedExpectation set, long baseline) throws Exception {
        Map<String, String> tokens = new LinkedHashMap<>();
        for (int c = 0; c < CLUSTERS; c++) {
            tokens.put("cluster-" + c, "token-" + c);
        }
        CoordinatorSettings settings = CoordinatorSettings.defaults(0, tokens).withScheduled(false)
                .withPollTimeout(Duration.ofSeconds(1)).withPlanner(new PlannerSettings(1, 500, 2, 1000), 2)
                .withRounds(new io.reachproof.coordinator.round.RoundSettings(Duration.ofSeconds(120), 32, 20));
        ObjectMapper mapper = Json.mapper();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (Coordinator coordinator = new Coordinator(settings, List.of(set), Clock.systemUTC())) {
            coordinator.start();
            URI base = coordinator.url();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            long t0 = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (AgentIdentity a : fleet) {
                done.add(pool.submit(() -> post(http, mapper, base, "/v1/agents/register", a, tokens.get(a.cluster()))));
            }
            for (Future<?> f : done) {
                f.get();
            }
            double registerSeconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("registration: %d agents in %.2f s (%.0f/s, 8 client threads)%n", AGENTS, registerSeconds,
                    AGENTS / registerSeconds);

            RoundTrigger.Started round = coordinator.rounds().runNow("bench");
            List<ResultBatch> batches = new ArrayList<>();
            done.clear();
            List<Future<Plan>> plans = new ArrayList<>();
            for (AgentIdentity a : fleet) {
                plans.add(pool.submit(() -> mapper.readValue(get(http, base, "/v1/plan?agent=" + a.agentId() + "&version=-1",
                        tokens.get(a.cluster())), Plan.class)));
            }
            int results = 0;
            for (int i = 0; i < fleet.size(); i++) {
                Plan p = plans.get(i).get();
                for (PlanRound r : p.rounds()) {
                    List<ProbeResult> rs = new ArrayList<>();
                    for (ProbeTask t : r.tasks()) {
                        rs.add(new ProbeResult(UUID.randomUUID().toString(), t.taskId(), p.agentId(), r.roundId(),
                                Outcome.CONNECTED, 120, 1, t.expectedAgentId(), "", System.currentTimeMillis()));
                    }
                    results += rs.size();
                    List<SelfCheckStatus> checks = r.selfCheck().isEmpty() ? List.of()
                            : List.of(new SelfCheckStatus(p.agentId(), r.roundId(), List.of(), "", 0));
                    batches.add(new ResultBatch(p.agentId(), rs, checks));
                }
            }
            // and the same volume again as late results (a round already closed): dedup + counting only
            List<ResultBatch> late = new ArrayList<>();
            int perBatch = 500;
            for (int i = 0; i < 40; i++) {
                List<ProbeResult> rs = new ArrayList<>();
                String agent = fleet.get(i).agentId();
                for (int j = 0; j < perBatch; j++) {
                    rs.add(new ProbeResult(UUID.randomUUID().toString(), "x", agent, "closed-round", Outcome.CONNECTED, 120, 1,
                            null, "", 0));
                }
                late.add(new ResultBatch(agent, rs, List.of()));
            }
            AtomicLong accepted = new AtomicLong();
            long t1 = System.nanoTime();
            List<Future<?>> sent = new ArrayList<>();
            for (ResultBatch b : batches) {
                sent.add(pool.submit(() -> accepted.addAndGet(deliver(http, mapper, base, b, tokens).accepted())));
            }
            for (Future<?> f : sent) {
                f.get();
            }
            double inRound = (System.nanoTime() - t1) / 1e9;
            RoundReport report = round.report().toCompletableFuture().get();
            System.out.printf("ingestion into an open round: %d results in %d batches (one per agent) in %.2f s: %.0f results/s;"
                    + " round closed with %d cells, complete=%s, %.1f s after it started%n", results, batches.size(), inRound,
                    results / inRound, report.cells().size(), report.complete(),
                    (report.finishedAtEpochMillis() - report.startedAtEpochMillis()) / 1000.0);
            long t2 = System.nanoTime();
            sent.clear();
            for (ResultBatch b : late) {
                sent.add(pool.submit(() -> accepted.addAndGet(deliver(http, mapper, base, b, tokens).accepted())));
            }
            for (Future<?> f : sent) {
                f.get();
            }
            double lateSeconds = (System.nanoTime() - t2) / 1e9;
            System.out.printf("ingestion in batches of %d (late results, dedup + count): %d results in %.2f s: %.0f results/s%n",
                    perBatch, late.size() * perBatch, lateSeconds, late.size() * perBatch / lateSeconds);
            pool.shutdown();
            long used = usedHeap();
            System.out.printf("heap: %.1f MiB used after GC with %d registered agents, %d retained reports and %d result ids"
                    + " remembered (%.1f MiB over the JVM's baseline of %.1f MiB)%n", used / 1048576.0, AGENTS,
                    coordinator.history().reports("bench").size(), accepted.get(), (used - baseline) / 1048576.0,
                    baseline / 1048576.0);
        }
    }

    static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Every simulated agent presents this key (one key may serve many ids; each id is bound to it). */
    private static final String BENCH_AGENT_KEY = "coordinator-bench-agent-key-0123456789abcdef";

    private static void post(HttpClient http, ObjectMapper mapper, URI base, String path, Object body, String token) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token)
                    .header(ProtocolV1.AGENT_KEY_HEADER, BENCH_AGENT_KEY)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300) {
                throw new IllegalStateException(path + ": " + r.statusCode() + " " + r.body());
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] get(HttpClient http, URI base, String path, String token) throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token)
                    .header(ProtocolV1.AGENT_KEY_HEADER, BENCH_AGENT_KEY)
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + ": " + r.statusCode());
        }
        return r.body();
    }

    private static BatchAck deliver(HttpClient http, ObjectMapper mapper, URI base, ResultBatch b, Map<String, String> tokens)
            throws Exception {
        String cluster = "cluster-" + ((Integer.parseInt(b.agentId().substring("agent-".length())) / GROUPS) % CLUSTERS);
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(base.resolve("/v1/results"))
                .header("Authorization", "Bearer " + tokens.get(cluster))
                .header(ProtocolV1.AGENT_KEY_HEADER, BENCH_AGENT_KEY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(b))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("results: " + r.statusCode() + " " + new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return mapper.readValue(r.body(), BatchAck.class);
    }
}
