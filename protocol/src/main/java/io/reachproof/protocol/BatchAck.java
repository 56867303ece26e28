package io.reachproof.protocol;

/**
 * The coordinator's receipt for a {@link ResultBatch}.
 *
 * @param accepted results seen for the first time
 * @param duplicates results whose id was already delivered (dropped; an agent resending is expected)
 * @param late of {@code accepted}, results whose round had already closed (counted, not evaluated)
 */
public record BatchAck(int accepted, int duplicates, int late) {
}
