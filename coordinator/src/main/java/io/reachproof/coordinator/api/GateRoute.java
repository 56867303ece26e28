package io.reachproof.coordinator.api;

import io.reachproof.coordinator.gate.GateDecision;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reachproof.coordinator.rollback.RollbackJson;
import io.reachproof.coordinator.round.RoundHistory;
import io.reachproof.protocol.CellResult;
import io.reachproof.protocol.InconclusiveReason;
import io.reachproof.protocol.MismatchText;
import io.reachproof.protocol.ObservedVerdict;
import io.reachproof.protocol.RoundReport;
import io.reachproof.protocol.Verdict;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * {@code GET /v1/gate?expectation=NAME&since=RFC3339[&minCoverage=0..1][&verdictIn=status|body]}, also as
 * {@code POST} (Flagger's webhooks post). Answers (see the README, "Gate endpoint"):
 * <ul>
 *   <li>200 {@code {"pass":true,"state":"pass"}}: the newest complete round started since {@code since} has no
 *       mismatches and proved at least {@code minCoverage} (default 1) of its cells;</li>
 *   <li>412 {@code {"pass":false,"state":"fail","mismatches":[...]}} when it has mismatches (200 with
 *       {@code verdictIn=body}, for Argo Rollouts' {@code result.pass} conditions);</li>
 *   <li>503 + Retry-After {@code {"pass":null,"state":"pending"}} while no complete round started since
 *       {@code since}; 503 {@code "state":"inconclusive"} when the round proved too little (200 with
 *       {@code verdictIn=body});</li>
 *   <li>400 naming a bad parameter; 404 for an unknown expectation.</li>
 * </ul>
 * Every answer with a state carries {@code "now"}, the coordinator's clock, so a client can pick a
 * {@code since} that does not depend on its own clock. Pure over {@link RoundHistory}: tested without a
 * server.
 */
public final class GateRoute {

    public static final String PATH = "/v1/gate";
    public static final int FAIL_STATUS = 412;
    public static final int NOT_YET_STATUS = 503;

    private final RoundHistory history;
    private final Clock clock;
    private final Optional<byte[]> token;
    private final java.util.function.BiConsumer<String, GateDecision> decided;

    /**
     * @param token when present, requests must carry it as {@code Authorization: Bearer TOKEN} (the
     *     coordinator's admin token: the answer names where the holes are)
     */
    public GateRoute(RoundHistory history, Clock clock, Optional<String> token) {
        this(history, clock, token, (expectation, decision) -> { });
    }

    /** @param decided told each decision the gate answers (with the set's name), e.g. to keep it in the proof record */
    public GateRoute(RoundHistory history, Clock clock, Optional<String> token,
            java.util.function.BiConsumer<String, GateDecision> decided) {
        this.history = requireNonNull(history, "history");
        this.clock = requireNonNull(clock, "clock");
        this.token = requireNonNull(token, "token").map(t -> t.getBytes(StandardCharsets.UTF_8));
        this.decided = requireNonNull(decided, "decided");
    }

    /** {@code GET /v1/gate} and {@code POST /v1/gate}, for the coordinator's HTTP server. */
    public List<ApiRoute> routes() {
        return List.of(ApiRoute.of("GET", PATH, this::handle), ApiRoute.of("POST", PATH, this::handle));
    }

    public ApiResponse handle(ApiRequest request) {
        if (token.isPresent()) {
            String header = request.header("authorization").orElse("");
            byte[] presented = header.regionMatches(true, 0, "Bearer ", 0, 7)
                    ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
            if (!MessageDigest.isEqual(token.get(), presented)) {
                return error(401, header.isEmpty() ? "missing bearer token (the admin token)"
                        : "bearer token is not the admin token");
            }
        }
        List<String> known = history.expectations().stream().sorted().toList();
        Optional<String> named = request.queryParam("expectation").filter(s -> !s.isBlank());
        String expectation;
        if (named.isPresent()) {
            expectation = named.get();
            if (!known.contains(expectation)) {
                return error(404, "unknown expectation '" + expectation + "'; known: " + String.join(", ", known));
            }
        } else if (known.size() == 1) {
            expectation = known.get(0);
        } else {
            return error(400, "expectation is required (one of: " + String.join(", ", known) + ")");
        }

        Instant since = null;
        Optional<String> sinceText = request.queryParam("since");
        if (sinceText.isPresent()) {
            try {
                since = OffsetDateTime.parse(sinceText.get()).toInstant();
            } catch (DateTimeParseException e) {
                return error(400, "since must be an RFC 3339 time such as 2026-11-21T16:04:05Z: '" + sinceText.get()
                        + "'");
            }
        }
        double minCoverage = 1.0;
        Optional<String> coverageText = request.queryParam("minCoverage");
        if (coverageText.isPresent()) {
            try {
                minCoverage = Double.parseDouble(coverageText.get());
            } catch (NumberFormatException e) {
                minCoverage = Double.NaN;
            }
            if (!(minCoverage >= 0 && minCoverage <= 1)) {
                return error(400, "minCoverage must be a number from 0 to 1: '" + coverageText.get() + "'");
            }
        }
        String verdictIn = request.queryParam("verdictIn").orElse("status");
        if (!verdictIn.equals("status") && !verdictIn.equals("body")) {
            return error(400, "verdictIn must be status or body: '" + verdictIn + "'");
        }

        GateDecision decision = GateDecision.decide(history.reports(expectation), since, minCoverage);
        decided.accept(expectation, decision);
        ObjectNode body = body(expectation, since, minCoverage, decision);
        body.put("now", clock.instant().toString());
        boolean inBody = verdictIn.equals("body");
        return switch (decision.state()) {
            case PASS -> json(200, body, Map.of());
            case FAIL -> json(inBody ? 200 : FAIL_STATUS, body, Map.of());
            case INCONCLUSIVE -> json(inBody ? 200 : NOT_YET_STATUS, body, Map.of("Retry-After", "5"));
            case PENDING -> json(NOT_YET_STATUS, body, Map.of("Retry-After", "5"));
        };
    }

    static ObjectNode body(String expectation, Instant since, double minCoverage, GateDecision d) {
        ObjectNode n = RollbackJson.mapper().createObjectNode();
        switch (d.state()) {
            case PASS -> n.put("pass", true);
            case FAIL -> n.put("pass", false);
            default -> n.putNull("pass");
        }
        n.put("state", d.state().wireName());
        n.put("expectation", expectation);
        n.put("since", since == null ? null : since.toString());
        n.put("minCoverage", minCoverage);
        n.put("message", message(expectation, since, minCoverage, d));
        n.put("roundsSince", d.roundsSince());
        n.put("failedRoundsSince", d.failedRoundsSince());
        RoundReport r = d.round();
        if (r == null) {
            n.putNull("round");
            n.set("counts", RollbackJson.mapper().valueToTree(RollbackJson.counts(List.of())));
            n.set("mismatches", RollbackJson.mapper().createArrayNode());
            n.set("rules", RollbackJson.mapper().createArrayNode());
            return n;
        }
        ObjectNode round = n.putObject("round");
        round.put("id", r.roundId());
        round.put("startedAt", RollbackJson.time(r.startedAtEpochMillis()));
        round.put("finishedAt", RollbackJson.time(r.finishedAtEpochMillis()));
        round.put("traceId", r.traceId());
        round.put("coverage", r.coverage());
        round.put("cells", r.cells().size());
        n.set("counts", RollbackJson.mapper().valueToTree(RollbackJson.counts(r.mismatches())));
        n.set("mismatches", RollbackJson.mapper().valueToTree(RollbackJson.mismatches(r.mismatches())));
        n.set("rules", RollbackJson.mapper().valueToTree(rules(r)));
        n.set("suspectChange", RollbackJson.mapper().valueToTree(RollbackJson.change(r.suspectChange())));
        return n;
    }

    /** One expectation rule the round probed, with the counts of its cells. */
    record RuleEntry(String rule, String fromGroup, String toGroup, Verdict expected, List<String> ports, int cells,
            long allow, long deny, long inconclusive, Map<String, Long> inconclusiveReasons, long mismatches) {
    }

    /** One entry per expectation rule the round probed: what the CLI's JUnit report lists as test cases. */
    static List<RuleEntry> rules(RoundReport r) {
        Map<String, List<CellResult>> byRule = new LinkedHashMap<>();
        for (CellResult c : r.cells()) {
            byRule.computeIfAbsent(c.rule() == null ? "unknown" : c.rule(), k -> new ArrayList<>()).add(c);
        }
        List<RuleEntry> rules = new ArrayList<>();
        byRule.forEach((rule, cells) -> {
            CellResult first = cells.get(0);
            rules.add(new RuleEntry(rule, first.fromGroup(), first.toGroup(), first.expected(),
                    List.copyOf(new TreeSet<>(cells.stream().map(c -> c.port() + "/" + c.protocol().spelling()).toList())),
                    cells.size(), count(cells, ObservedVerdict.ALLOW), count(cells, ObservedVerdict.DENY),
                    count(cells, ObservedVerdict.INCONCLUSIVE), InconclusiveReason.countIn(cells),
                    r.mismatches().stream().filter(m -> rule.equals(m.cell().rule())).count()));
        });
        return rules;
    }

    private static long count(List<CellResult> cells, ObservedVerdict v) {
        return cells.stream().filter(c -> c.observed() == v).count();
    }

    private static String message(String expectation, Instant since, double minCoverage, GateDecision d) {
        RoundReport r = d.round();
        String after = since == null ? "" : " since " + since;
        return switch (d.state()) {
            case PENDING -> "no complete round of " + expectation + " has started" + after + " yet; ask again";
            case PASS -> "round " + r.roundId() + " proved " + expectation + ": " + r.cells().size()
                    + " cells, no mismatches";
            case FAIL -> MismatchText.summary(expectation, r.mismatches()) + " (round " + r.roundId() + ")";
            case INCONCLUSIVE -> "round " + r.roundId() + " proved only " + percent(r.coverage()) + " of the cells of "
                    + expectation + " (minCoverage " + percent(minCoverage) + "; inconclusive: "
                    + describe(InconclusiveReason.countIn(r.cells())) + "); no mismatches; ask again";
        };
    }

    private static String describe(Map<String, Long> reasons) {
        if (reasons.isEmpty()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        reasons.forEach((reason, count) -> parts.add(count + " " + reason));
        return String.join(", ", parts);
    }

    private static String percent(double fraction) {
        return Math.round(fraction * 1000) / 10.0 + "%";
    }

    private static ApiResponse error(int status, String message) {
        ObjectNode n = RollbackJson.mapper().createObjectNode();
        n.put("error", message);
        return json(status, n, Map.of());
    }

    private static ApiResponse json(int status, ObjectNode body, Map<String, String> headers) {
        try {
            return new ApiResponse(status, "application/json", headers,
                    RollbackJson.mapper().writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write gate answer", e);
        }
    }
}
