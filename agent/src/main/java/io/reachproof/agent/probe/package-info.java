/**
 * Sending probes. The seam for the agent's control loop is {@link io.reachproof.agent.probe.Prober}: one per
 * agent, {@code probe(ProbeTask, roundId)} returns a {@code CompletableFuture<ProbeResult>} that never
 * completes exceptionally (local faults are {@code ERROR} results), thousands may be in flight (bounded by
 * the prober's concurrency limit, the rest queue without blocking), and {@code close()} ends what is left
 * with {@code ERROR "prober closed"}.
 */
package io.reachproof.agent.probe;
