package io.reachproof.coordinator.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reachproof.coordinator.registry.AgentRegistry;
import io.reachproof.coordinator.registry.RegisteredAgent;
import io.reachproof.coordinator.round.PlanBoard;
import io.reachproof.coordinator.round.RoundService;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.Heartbeat;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.ProtocolV1;
import io.reachproof.protocol.RegistrationAck;
import io.reachproof.protocol.ResultBatch;
import io.reachproof.protocol.SelfCheckStatus;
import io.reachproof.protocol.TargetReadiness;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The agent side of protocol v1: register, heartbeat, long-poll the plan, deliver results. Every call
 * carries the bearer token of the agent's cluster (401 without a valid one, decided from the head before
 * any body is read; 403 with another cluster's, or when an agent delivers another agent's results) and the
 * agent's own key ({@value ProtocolV1#AGENT_KEY_HEADER}): registration binds the id to it, and every later
 * call for that id must present it (403 otherwise; 409 for a registration of an id another agent holds). A
 * refusal never names the cluster of an agent the token does not speak for. Agent ids are checked as
 * {@link AgentIdentity#checkName} checks them, result ids as {@link #RESULT_ID_RULE} says.
 */
public final class AgentRoutes {

    public static final int MAX_RESULT_ID_LENGTH = 128;
    static final String RESULT_ID_RULE = "1.." + MAX_RESULT_ID_LENGTH + " characters of [A-Za-z0-9._:-]";
    static final int MIN_AGENT_KEY_LENGTH = 32;
    static final int MAX_AGENT_KEY_LENGTH = 128;
    static final String AGENT_KEY_RULE = "32..128 characters of [A-Za-z0-9_-] (base64url)";

    private final ObjectMapper mapper;
    private final AgentAuth auth;
    private final AgentRegistry registry;
    private final PlanBoard board;
    private final RoundService rounds;
    private final Duration pollTimeout;
    private final int maxBatchResults;

    /** Agents of every cluster authenticate with their cluster's token. */
    public AgentRoutes(ObjectMapper mapper, ClusterTokens tokens, AgentRegistry registry, PlanBoard board,
            RoundService rounds, Duration pollTimeout, int maxBatchResults) {
        this(mapper, new AgentAuth(tokens, java.util.Map.of(), "reachproof", registry), registry, board, rounds,
                pollTimeout, maxBatchResults);
    }

    public AgentRoutes(ObjectMapper mapper, AgentAuth auth, AgentRegistry registry, PlanBoard board,
            RoundService rounds, Duration pollTimeout, int maxBatchResults) {
        this.mapper = requireNonNull(mapper, "mapper");
        this.auth = requireNonNull(auth, "auth");
        this.registry = requireNonNull(registry, "registry");
        this.board = requireNonNull(board, "board");
        this.rounds = requireNonNull(rounds, "rounds");
        this.pollTimeout = requireNonNull(pollTimeout, "pollTimeout");
        this.maxBatchResults = maxBatchResults;
    }

    public List<ApiRoute> routes() {
        return List.of(
                ApiRoute.of("POST", ProtocolV1.REGISTER, auth::admitRegistration, this::register),
                ApiRoute.of("POST", ProtocolV1.HEARTBEAT, auth::admitCall, this::heartbeat),
                new PollRoute(),
                ApiRoute.of("POST", ProtocolV1.RESULTS, auth::admitCall, this::results));
    }

    private ApiResponse register(ApiRequest request) {
        AgentIdentity identity = JsonBody.read(mapper, request, AgentIdentity.class);
        auth.authenticateRegistration(request, identity);
        String key = agentKey(request);
        try {
            registry.register(identity, key);
        } catch (AgentRegistry.HeldByAnotherCluster e) {
            throw new ApiException(409, "agent id " + identity.agentId()
                    + " is registered by an agent of another cluster; agent ids are their cluster's");
        } catch (AgentRegistry.HeldByAnotherAgent e) {
            throw new ApiException(409, "agent id " + identity.agentId() + " is registered by another agent (its "
                    + ProtocolV1.AGENT_KEY_HEADER + " differs); the id is freed when that agent has been silent for "
                    + registry.settings().goneAfter().toSeconds() + " s");
        }
        board.current(identity.agentId());
        return json(200, new RegistrationAck(identity.agentId(), registry.settings().heartbeatInterval().toMillis(),
                pollTimeout.toMillis(), maxBatchResults));
    }

    private ApiResponse heartbeat(ApiRequest request) {
        Heartbeat heartbeat = JsonBody.read(mapper, request, Heartbeat.class);
        authorize(request, heartbeat.agentId());
        registry.heartbeat(heartbeat);
        return ApiResponse.of(204, "application/json", new byte[0]);
    }

    private ApiResponse results(ApiRequest request) {
        ResultBatch batch = JsonBody.read(mapper, request, ResultBatch.class);
        authorize(request, batch.agentId());
        int entries = batch.results().size() + batch.selfChecks().size() + batch.targets().size();
        if (entries > maxBatchResults) {
            throw new ApiException(413, "batch of " + entries
                    + " entries exceeds the limit of " + maxBatchResults);
        }
        for (int i = 0; i < batch.results().size(); i++) {
            checkResultId("results[" + i + "].resultId", batch.results().get(i).resultId());
        }
        for (ProbeResult r : batch.results()) {
            if (!batch.agentId().equals(r.agentId())) {
                throw ApiException.forbidden("agent " + batch.agentId() + " may not deliver result " + r.resultId()
                        + " of agent " + r.agentId());
            }
        }
        for (SelfCheckStatus s : batch.selfChecks()) {
            if (!batch.agentId().equals(s.agentId())) {
                throw ApiException.forbidden("agent " + batch.agentId() + " may not deliver the self-check of agent "
                        + s.agentId());
            }
        }
        for (TargetReadiness t : batch.targets()) {
            if (!batch.agentId().equals(t.agentId())) {
                throw ApiException.forbidden("agent " + batch.agentId() + " may not deliver the target readiness of agent "
                        + t.agentId());
            }
        }
        registry.touch(batch.agentId());
        return json(200, rounds.accept(batch));
    }

    /**
     * The registered agent the request speaks for, after checking the token is its cluster's. The refusal
     * names neither the agent's cluster nor anything else of the fleet.
     */
    private RegisteredAgent authorize(ApiRequest request, String agentId) {
        String cluster = auth.admitCall(request);
        try {
            AgentIdentity.checkName("agentId", agentId);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        RegisteredAgent agent = registry.find(agentId)
                .orElseThrow(() -> ApiException.notFound("unknown agent " + agentId + "; register first"));
        if (!agent.identity().cluster().equals(cluster) || !registry.holdsKey(agentId, agentKey(request))) {
            throw ApiException.forbidden("this token and agent key may not act for agent " + agentId);
        }
        return agent;
    }

    /**
     * The agent's key from {@value ProtocolV1#AGENT_KEY_HEADER}: {@value #AGENT_KEY_RULE}. Read from the head,
     * like the token.
     */
    static String agentKey(ApiRequest request) {
        String key = request.header(ProtocolV1.AGENT_KEY_HEADER).orElseThrow(() -> new ApiException(401,
                "missing header " + ProtocolV1.AGENT_KEY_HEADER + " (the agent's own key, kept in its spool directory)"));
        boolean ok = key.length() >= MIN_AGENT_KEY_LENGTH && key.length() <= MAX_AGENT_KEY_LENGTH;
        for (int i = 0; ok && i < key.length(); i++) {
            char c = key.charAt(i);
            ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        }
        if (!ok) {
            throw ApiException.badRequest("header " + ProtocolV1.AGENT_KEY_HEADER + " must be " + AGENT_KEY_RULE);
        }
        return key;
    }

    private static void checkResultId(String field, String id) {
        if (id.isEmpty() || id.length() > MAX_RESULT_ID_LENGTH) {
            throw ApiException.badRequest(field + " must be " + RESULT_ID_RULE + ": got " + id.length() + " characters");
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-')) {
                throw ApiException.badRequest(field + " must be " + RESULT_ID_RULE + ": character " + (i + 1) + " is "
                        + String.format("U+%04X", (int) c));
            }
        }
    }

    private ApiResponse json(int status, Object value) {
        try {
            return ApiResponse.json(status, mapper.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code GET /v1/plan?agent=ID&version=V}: the long poll. */
    private final class PollRoute implements ApiRoute {
        @Override
        public String method() {
            return "GET";
        }

        @Override
        public String path() {
            return ProtocolV1.PLAN;
        }

        @Override
        public void admit(ApiRequest head) {
            auth.admitCall(head);
        }

        @Override
        public CompletionStage<ApiResponse> handle(ApiRequest request) {
            String agentId = request.queryParam("agent")
                    .orElseThrow(() -> ApiException.badRequest("query parameter agent is required"));
            long version = parseVersion(request.queryParam("version").orElse("-1"));
            authorize(request, agentId);
            registry.touch(agentId);
            CompletableFuture<ApiResponse> answer = board.poll(agentId, version, pollTimeout).thenApply(plan -> {
                registry.touch(agentId);
                return plan.map(p -> json(200, p)).orElseGet(() -> ApiResponse.of(204, "application/json", new byte[0]));
            });
            return answer;
        }

        private long parseVersion(String text) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("query parameter version must be a number: " + text);
            }
        }
    }
}
