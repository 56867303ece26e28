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
import io.reachproof.protocol.ProtocolV1;
import io.reachproof.protocol.RoundReport;
import io.reachproof.protocol.RoundStarted;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The operator side: run a round now, list agents, the newest report and matrix (the page is {@link PageRoutes}).
 * When an admin token is configured, every one of these requires it as a bearer token.
 */
public final class StatusRoutes {

    private final ObjectMapper mapper;
    private final AgentRegistry registry;
    private final RoundService rounds;
    private final RoundHistory history;
    private final AdminToken adminToken;

    public StatusRoutes(ObjectMapper mapper, AgentRegistry registry, RoundService rounds, RoundHistory history,
            Optional<String> adminToken) {
        this.mapper = requireNonNull(mapper, "mapper");
        this.registry = requireNonNull(registry, "registry");
        this.rounds = requireNonNull(rounds, "rounds");
        this.history = requireNonNull(history, "history");
        this.adminToken = new AdminToken(adminToken);
    }

    public List<ApiRoute> routes() {
        return List.of(
                ApiRoute.of("POST", ProtocolV1.ROUNDS, this::requireAdmin, this::runNow),
                ApiRoute.of("GET", ProtocolV1.AGENTS, this::requireAdmin, r -> json(agents())),
                ApiRoute.of("GET", ProtocolV1.LATEST_ROUND, this::requireAdmin, this::latest),
                ApiRoute.of("GET", ProtocolV1.MATRIX, this::requireAdmin, r -> json(matrix())));
    }

    /** 401 unless the request carries the admin token (when one is configured); decided from the head. */
    private void requireAdmin(ApiRequest request) {
        adminToken.admit(request);
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
}
