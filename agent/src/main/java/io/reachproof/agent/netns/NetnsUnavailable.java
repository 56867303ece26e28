package io.reachproof.agent.netns;

/** A network namespace that does not exist or cannot be entered; the message says which and why, in words. */
public final class NetnsUnavailable extends Exception {

    private static final long serialVersionUID = 1L;

    public NetnsUnavailable(String message) {
        super(message);
    }
}
