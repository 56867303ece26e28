package io.reachproof.protocol;

import static java.util.Objects.requireNonNull;

/**
 * One probe an agent is asked to send.
 *
 * @param taskId unique within a plan; results name it
 * @param protocol what to speak (on the wire {@code TCP}, {@code UDP}, {@code HTTP} or {@code SCTP})
 * @param host address or host name of the target
 * @param path HTTP only: request path; null otherwise
 * @param method HTTP only: request method; null otherwise
 * @param expectedAgentId the agent that must answer, or null for a target that is not an agent
 * @param attempts how many tries before giving up (UDP datagrams, TCP connects)
 * @param timeoutMillis deadline of one attempt
 * @param statusMin HTTP only: lowest accepted response status (in 100..599; {@link #of} takes {@code 200})
 * @param statusMax HTTP only: highest accepted response status (in 100..599; {@link #of} takes {@code 299})
 * @param sourcePod workload mode: the pod whose network namespace the probe leaves from; null in agent mode
 *     (the probe leaves from the agent's own namespace)
 * @param targetPod workload mode: the pod the probe is aimed at ({@code host} is its IP); null otherwise
 */
public record ProbeTask(
        String taskId,
        Protocol protocol,
        String host,
        int port,
        String path,
        String method,
        String expectedAgentId,
        int attempts,
        long timeoutMillis,
        int statusMin,
        int statusMax,
        PodRef sourcePod,
        PodRef targetPod) {

    public ProbeTask {
        requireNonNull(taskId, "taskId");
        requireNonNull(protocol, "protocol");
        requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be in 1..65535: " + port);
        }
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1: " + attempts);
        }
        if (timeoutMillis <= 0) {
            throw new IllegalArgumentException("timeoutMillis must be positive: " + timeoutMillis);
        }
        if (statusMin < 100 || statusMax > 599 || statusMin > statusMax) {
            throw new IllegalArgumentException("status range must lie in 100..599: " + statusMin + ".." + statusMax);
        }
    }

    /** An agent-mode task: it leaves from the agent's own network namespace. */
    public ProbeTask(
            String taskId, Protocol protocol, String host, int port, String path, String method,
            String expectedAgentId, int attempts, long timeoutMillis, int statusMin, int statusMax) {
        this(taskId, protocol, host, port, path, method, expectedAgentId, attempts, timeoutMillis, statusMin,
                statusMax, null, null);
    }

    /** True when the probe leaves from a pod's network namespace (workload mode). */
    public boolean fromPod() {
        return sourcePod != null;
    }

    /** A task that, over HTTP, accepts the default status range {@code 2xx} (200..299). */
    public static ProbeTask of(
            String taskId, Protocol protocol, String host, int port, String path, String method,
            String expectedAgentId, int attempts, long timeoutMillis) {
        return new ProbeTask(taskId, protocol, host, port, path, method, expectedAgentId, attempts,
                timeoutMillis, 200, 299);
    }

    /** Whether an HTTP response status is one this task accepts. */
    public boolean acceptsStatus(int status) {
        return status >= statusMin && status <= statusMax;
    }
}
