package io.reachproof.protocol;

/** The paths of version 1 of the coordinator/agent protocol (HTTP/1.1 + JSON, bearer token per cluster). */
public final class ProtocolV1 {

    /**
     * The header every agent call carries next to the cluster's bearer token: the agent's own key, a random
     * secret the agent made on its first start and keeps in its spool directory. The coordinator keeps only
     * its SHA-256 and binds it to the agent id at registration: a restarted agent proves it is the same one,
     * and no other agent (of any cluster) can register, poll, heartbeat or deliver for that id while the
     * registration lives.
     */
    public static final String AGENT_KEY_HEADER = "X-Reachproof-Agent-Key";
    /**
     * The header naming the agent's cluster, on every agent call: in a cluster whose agents authenticate with
     * service-account tokens (TokenReview), it says whose API server reviews the token.
     */
    public static final String CLUSTER_HEADER = "X-Reachproof-Cluster";
    /** {@code POST}, body {@link AgentIdentity}; answers {@link RegistrationAck}. */
    public static final String REGISTER = "/v1/agents/register";
    /** {@code POST}, body {@link Heartbeat}; answers 204. */
    public static final String HEARTBEAT = "/v1/agents/heartbeat";
    /** {@code GET ?agent=ID&version=V}: long poll; answers {@link Plan} when the plan differs from V, 204 on timeout. */
    public static final String PLAN = "/v1/plan";
    /** {@code POST}, body {@link ResultBatch}; answers {@link BatchAck}. */
    public static final String RESULTS = "/v1/results";
    /** {@code POST ?expectation=NAME}: run a round now; answers {@code {"roundId": ...}}. */
    public static final String ROUNDS = "/v1/rounds";
    /** {@code GET}: registered agents and their liveness. */
    public static final String AGENTS = "/v1/agents";
    /** {@code GET ?expectation=NAME}: the newest finished {@link RoundReport}. */
    public static final String LATEST_ROUND = "/v1/rounds/latest";
    /** {@code GET}: group x group and cluster x cluster summaries of every set's newest round. */
    public static final String MATRIX = "/v1/matrix";

    private ProtocolV1() {
    }
}
