package io.reachproof.coordinator.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reachproof.coordinator.registry.AgentRegistry;
import io.reachproof.coordinator.registry.RegisteredAgent;
import io.reachproof.coordinator.round.RoundHistory;
import io.reachproof.coordinator.round.RoundService;
import io.reachproof.coordinator.round.RoundTrigger;
import io.reachproof.protocol.AgentList;
import io.reachproof.protocol.AgentStatus;
import io.reachproof.protocol.MatrixEntry;
import io.reachproof.protocol.Mismatch;
import io.reachproof.protocol.PairSummary;
import io.reachproof.protocol.ProtocolV1;
import io.reachproof.protocol.RoundReport;
import io.reachproof.protocol.RoundStarted;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The operator side: run a round now, list agents, the newest report and matrix, and a small status page.
 * When an admin token is configured, every one of these requires it as a bearer token.
 */
public final class StatusRoutes {

    private final ObjectMapper mapper;
    private final AgentRegistry registry;
    private final RoundService rounds;
    private final RoundHistory history;
    private final Optional<byte[]> adminToken;

    public StatusRoutes(ObjectMapper mapper, AgentRegistry registry, RoundService rounds, RoundHistory history,
            Optional<String> adminToken) {
        this.mapper = requireNonNull(mapper, "mapper");
        this.registry = requireNonNull(registry, "registry");
        this.rounds = requireNonNull(rounds, "rounds");
        this.history = requireNonNull(history, "history");
        this.adminToken = adminToken.map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    public List<ApiRoute> routes() {
        return List.of(
                ApiRoute.of("POST", ProtocolV1.ROUNDS, this::requireAdmin, this::runNow),
                ApiRoute.of("GET", ProtocolV1.AGENTS, this::requireAdmin, r -> json(agents())),
                ApiRoute.of("GET", ProtocolV1.LATEST_ROUND, this::requireAdmin, this::latest),
                ApiRoute.of("GET", ProtocolV1.MATRIX, this::requireAdmin, r -> json(matrix())),
                ApiRoute.of("GET", "/", this::requireAdmin, r -> ApiResponse.of(200, "text/html; charset=utf-8",
                        StatusPage.render(agents(), matrix(), latestReports()).getBytes(StandardCharsets.UTF_8))));
    }

    /** 401 unless the request carries the admin token (when one is configured); decided from the head. */
    private void requireAdmin(ApiRequest request) {
        if (adminToken.isPresent()) {
            String header = request.header("authorization")
                    .orElseThrow(() -> ApiException.unauthorized("missing bearer token (the admin token)"));
            byte[] presented = header.regionMatches(true, 0, "Bearer ", 0, 7)
                    ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
            if (!MessageDigest.isEqual(adminToken.get(), presented)) {
                throw ApiException.unauthorized("bearer token is not the admin token");
            }
        }
    }

    private ApiResponse runNow(ApiRequest request) {
        String name = expectationParam(request);
        RoundTrigger.Started started = rounds.runNow(name);
        return json(202, new RoundStarted(started.roundId(), name));
    }

    private ApiResponse latest(ApiRequest request) {
        String name = expectationParam(request);
        RoundReport report = history.latest(name)
                .orElseThrow(() -> ApiException.notFound("no finished round of " + name + " yet"));
        return json(200, report);
    }

    /** The named set; may be left out when the coordinator proves exactly one. */
    private String expectationParam(ApiRequest request) {
        Optional<String> name = request.queryParam("expectation");
        if (name.isEmpty()) {
            if (rounds.expectations().size() == 1) {
                return rounds.expectations().iterator().next();
            }
            throw ApiException.badRequest("query parameter expectation is required; known: "
                    + String.join(", ", rounds.expectations()));
        }
        if (!rounds.expectations().contains(name.get())) {
            throw ApiException.notFound("unknown expectation: " + name.get() + " (known: "
                    + String.join(", ", rounds.expectations()) + ")");
        }
        return name.get();
    }

    AgentList agents() {
        List<AgentStatus> all = new ArrayList<>();
        for (RegisteredAgent a : registry.snapshot()) {
            all.add(new AgentStatus(a.identity(), a.state().wire(), a.registeredAt().toEpochMilli(),
                    a.lastSeen().toEpochMilli(), a.spooledResults(), a.droppedResults(), rounds.delivered(a.agentId())));
        }
        return new AgentList(all, registry.countByState());
    }

    List<MatrixEntry> matrix() {
        List<MatrixEntry> all = new ArrayList<>();
        for (RoundReport r : latestReports()) {
            all.add(MatrixEntry.of(r));
        }
        return all;
    }

    private List<RoundReport> latestReports() {
        List<RoundReport> all = new ArrayList<>();
        for (String name : history.expectations()) {
            history.latest(name).ifPresent(all::add);
        }
        return all;
    }

    private ApiResponse json(Object value) {
        return json(200, value);
    }

    private ApiResponse json(int status, Object value) {
        try {
            return ApiResponse.json(status, mapper.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The HTML of {@code GET /}: agents, and each set's newest round with its mismatches. */
    static final class StatusPage {
        private StatusPage() {
        }

        static String render(AgentList agents, List<MatrixEntry> matrix, List<RoundReport> reports) {
            StringBuilder h = new StringBuilder(4096);
            h.append("<!doctype html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"5\">")
                    .append("<title>reachproof coordinator</title><style>body{font-family:sans-serif;margin:2em}")
                    .append("table{border-collapse:collapse;margin-bottom:1.5em}td,th{border:1px solid #ccc;padding:.2em .6em}")
                    .append(".bad{background:#fdd}</style></head><body><h1>reachproof coordinator</h1>");
            h.append("<h2>Agents</h2><p>");
            for (io.reachproof.coordinator.registry.AgentState s : io.reachproof.coordinator.registry.AgentState.values()) {
                h.append(s.wire()).append(": ").append(agents.byState().getOrDefault(s.wire(), 0)).append(" &nbsp; ");
            }
            h.append("</p>");
            for (int i = 0; i < matrix.size(); i++) {
                MatrixEntry m = matrix.get(i);
                h.append("<h2>").append(esc(m.expectation())).append(" &mdash; round ").append(esc(m.roundId()))
                        .append("</h2><p>cells ").append(m.cells()).append(", coverage ")
                        .append(Math.round(m.coverage() * 100)).append("%, mismatches ").append(m.mismatches()).append("</p>");
                pairs(h, "group pairs", m.groupPairs());
                pairs(h, "cluster pairs", m.clusterPairs());
                List<Mismatch> mismatches = reports.get(i).mismatches();
                if (!mismatches.isEmpty()) {
                    h.append("<table><tr><th>kind</th><th>from</th><th>to</th><th>port</th><th>outcome</th><th>rule</th></tr>");
                    for (Mismatch x : mismatches) {
                        h.append("<tr class=\"bad\"><td>").append(x.kind()).append("</td><td>")
                                .append(esc(x.cell().from().displayName() + " @ " + x.cell().from().cluster()))
                                .append("</td><td>").append(esc(x.cell().to().displayName() + " @ " + x.cell().to().cluster()))
                                .append("</td><td>").append(x.cell().port()).append('/').append(esc(x.cell().protocol().spelling()))
                                .append("</td><td>").append(x.cell().outcome()).append("</td><td>").append(esc(x.cell().rule()))
                                .append("</td></tr>");
                    }
                    h.append("</table>");
                }
            }
            return h.append("</body></html>").toString();
        }

        private static void pairs(StringBuilder h, String title, List<PairSummary> pairs) {
            h.append("<table><tr><th>").append(esc(title)).append("</th><th>allow</th><th>deny</th><th>mismatch</th>")
                    .append("<th>inconclusive</th></tr>");
            for (PairSummary p : pairs) {
                h.append(p.mismatches() > 0 ? "<tr class=\"bad\">" : "<tr>").append("<td>").append(esc(p.from()))
                        .append(" &rarr; ").append(esc(p.to())).append("</td><td>").append(p.allow()).append("</td><td>")
                        .append(p.deny()).append("</td><td>").append(p.mismatches()).append("</td><td>")
                        .append(p.inconclusive()).append("</td></tr>");
            }
            h.append("</table>");
        }

        private static String esc(String s) {
            return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
        }
    }
}
