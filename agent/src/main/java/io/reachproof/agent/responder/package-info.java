/**
 * Answering probes. {@link io.reachproof.agent.responder.ResponderSet#start} binds the TCP, UDP and HTTP
 * responders of an {@code AgentIdentity} on an address; {@code selfCheck(prober)} probes them through real
 * sockets (a responder that does not answer makes probes at this agent inconclusive); {@code close()} unbinds.
 * Wire formats: {@link io.reachproof.agent.wire.IdentityWire}.
 */
package io.reachproof.agent.responder;
